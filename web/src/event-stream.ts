/**
 * Server-Sent Events over fetch, for streams that need an Authorization header (EventSource cannot send one).
 * Reconnects after `retryMs` until `stop` is called; a 401 stops it and calls `onUnauthorized`.
 */
export function openEventStream(
  url: string,
  token: string,
  handlers: { onEvent: (type: string, data: string) => void; onUnauthorized: () => void; onState?: (connected: boolean) => void },
  retryMs = 3000,
): { stop(): void } {
  const controller = new AbortController();
  let stopped = false;
  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        const response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: controller.signal });
        if (response.status === 401) {
          handlers.onUnauthorized();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        handlers.onState?.(true);
        await readEvents(response.body, handlers.onEvent);
      } catch {
        if (stopped) return;
      }
      handlers.onState?.(false);
      await new Promise((r) => setTimeout(r, retryMs));
    }
  };
  void run();
  return {
    stop() {
      stopped = true;
      controller.abort();
    },
  };
}

async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (type: string, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) onEvent(type, data.join('\n'));
    }
  }
}
