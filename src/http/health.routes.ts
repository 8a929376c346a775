// /healthz: the process is up. /readyz: the database answers (load balancers
// and orchestrators send traffic only then).
import type { HttpServer } from './server.js';
import { sendJson } from './server.js';

export function registerHealthRoutes(http: HttpServer, deps: { ping: () => Promise<boolean>; isShuttingDown: () => boolean }): void {
  http.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  http.route('GET', '/readyz', async (_req, res) => {
    if (deps.isShuttingDown()) return sendJson(res, 503, { status: 'shutting down' });
    const db = await deps.ping();
    sendJson(res, db ? 200 : 503, { status: db ? 'ready' : 'database not answering', database: db ? 'up' : 'down' });
  });
}
