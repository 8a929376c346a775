// GET /metrics: Prometheus text. Counts and timings only — no ticket, person
// or message content — so it is served like /healthz, for the scraper.
import type { Metrics } from '../metrics/metrics.js';
import type { HttpServer } from './server.js';

export function registerMetricsRoutes(http: HttpServer, metrics: Metrics): void {
  http.route('GET', '/metrics', async (_req, res) => {
    const body = await metrics.text();
    res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
    res.end(body);
  });
}
