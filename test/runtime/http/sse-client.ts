/** A small Server-Sent Events reader over fetch, for tests: events are kept in order and waited on by condition. */
export interface SseEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: unknown;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  /** The `retry:` value the server announced, if any. */
  retry: number | undefined;
  /** Set when the stream ended: the server closed it, or reading failed (not when we closed it). */
  endedBy: 'server' | Error | undefined;
  private readonly waiters = new Set<() => void>();
  private ended = false;
  private pumped: Promise<void> = Promise.resolve();

  private constructor(
    readonly response: Response,
    private readonly controller: AbortController,
  ) {}

  /** Opens a stream; throws unless the server answers 200 with text/event-stream. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const controller = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
      controller.abort();
      throw new Error(`expected an event stream from ${url}, got ${response.status} ${response.headers.get('content-type')}: ${await response.text().catch(() => '')}`);
    }
    const client = new SseClient(response, controller);
    client.pumped = client.pump(response.body!);
    return client;
  }

  /** Events of one type, in order. */
  of(event: string): SseEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  /** Resolves with the first event matching `match` (already received or still to come); rejects on timeout or end. */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs = 10_000): Promise<SseEvent> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.events.find(match);
        if (hit) return done(() => resolve(hit));
        if (this.ended) return done(() => reject(new Error(`the stream ended; events: ${JSON.stringify(this.events)}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no matching event within ${timeoutMs} ms; events: ${JSON.stringify(this.events)}`))), timeoutMs);
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Stops reading and closes the connection. */
  async close(): Promise<void> {
    this.controller.abort();
    await this.pumped;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          this.endedBy = 'server';
          break;
        }
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (err) {
      if (!this.controller.signal.aborted) this.endedBy = err as Error;
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  /** One block of lines: comments are skipped, a block without data is not an event (as in EventSource). */
  private dispatch(block: string): void {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
      else if (field === 'retry') this.retry = Number(value);
    }
    if (data.length === 0) return;
    this.events.push({ event, id, data: JSON.parse(data.join('\n')) as unknown });
    this.wake();
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}
