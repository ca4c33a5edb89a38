import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the business API received. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/**
 * A local HTTP server playing a business's API in tests: routes by path, every request recorded. `port` is known once
 * `start()` resolved.
 */
export class BusinessApi {
  readonly received: Received[] = [];
  private readonly routes = new Map<string, Route>();
  private readonly server: Server;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        this.received.push({ method: req.method ?? '', path, headers: req.headers, body });
        const route = this.routes.get(path.split('?')[0]!);
        if (route) route(req, res, body);
        else res.writeHead(404).end();
      });
    });
  }

  on(path: string, route: Route): this {
    this.routes.set(path, route);
    return this;
  }

  /** Answers `status` with a JSON body. */
  json(path: string, status: number, body: unknown): this {
    return this.on(path, (_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
