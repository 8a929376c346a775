// The single HTTP server: health and readiness now; chat platform endpoints,
// the console, the REST API and the dashboard register routes on it later.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServer {
  /** Registers a handler; a path ending in `/*` matches everything below it. */
  route(method: string, path: string, handler: RouteHandler): void;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function createHttpServer(logger: Logger): HttpServer {
  const routes = new Map<string, RouteHandler>();
  const prefixes: Array<{ method: string; prefix: string; handler: RouteHandler }> = [];
  const find = (method: string, path: string): RouteHandler | undefined =>
    routes.get(`${method} ${path}`) ?? prefixes.find((p) => p.method === method && path.startsWith(p.prefix))?.handler;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const handler = find(req.method ?? 'GET', path);
    if (!handler) {
      const allowed = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => find(m, path));
      if (allowed.length) {
        res.setHeader('allow', allowed.join(', '));
        return sendJson(res, 405, { error: `method ${req.method} not allowed on ${path}; use ${allowed.join(' or ')}` });
      }
      return sendJson(res, 404, { error: `no route for ${path}` });
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err) => {
        logger.error({ err, path }, 'request handler failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      });
  });
  server.keepAliveTimeout = 65_000;
  return {
    route(method, path, handler) {
      if (path.endsWith('/*')) prefixes.push({ method: method.toUpperCase(), prefix: path.slice(0, -1), handler });
      else routes.set(`${method.toUpperCase()} ${path}`, handler);
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
