import { createServer, type Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

/** The page a developer opens: Stately's inspector in a frame, fed with what the relay receives. */
function bridgePage(wsUrl: string, inspectorUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Scenarist · XState inspector</title>
<style>html,body{height:100%;margin:0}iframe{width:100%;height:100%;border:0}</style></head>
<body>
<iframe id="inspector" title="Stately inspector" src="${inspectorUrl}"></iframe>
<script>
  const frame = document.getElementById('inspector');
  const waiting = [];
  let ready = false;
  // The inspector says when it listens; events received before that wait.
  window.addEventListener('message', (e) => {
    if (e.data && e.data.type === '@statelyai.connected') {
      ready = true;
      for (const event of waiting.splice(0)) frame.contentWindow.postMessage(event, '*');
    }
  });
  const socket = new WebSocket(${JSON.stringify(wsUrl)});
  socket.onmessage = (m) => {
    const event = JSON.parse(m.data);
    if (ready) frame.contentWindow.postMessage(event, '*');
    else waiting.push(event);
  };
</script>
</body>
</html>`;
}

export interface Relay {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Passes inspection events from the process to every page connected to it, and replays the last `keep` events to
 * a page that connects late. Listens on localhost only: the events carry the dialogs' data.
 */
export async function startRelay(port: number, inspectorUrl: string, keep = 500): Promise<Relay> {
  const http: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(bridgePage(`ws://localhost:${port}`, inspectorUrl));
  });
  const wss = new WebSocketServer({ server: http });
  const recent: string[] = [];
  wss.on('error', () => undefined); // listen errors are reported by `listen` below
  wss.on('connection', (socket) => {
    socket.on('error', () => socket.terminate());
    for (const message of recent) socket.send(message);
    socket.on('message', (data) => {
      const message = String(data);
      recent.push(message);
      if (recent.length > keep) recent.shift();
      for (const client of wss.clients) if (client !== socket && client.readyState === WebSocket.OPEN) client.send(message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, 'localhost', () => {
      http.off('error', reject);
      resolve();
    });
  });
  return {
    port,
    stop: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
