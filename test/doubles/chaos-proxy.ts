// A flaky network in front of a fake platform: forwards every request to the
// fake, except that a share of the calls it is told to pick on are answered
// by the proxy itself with 429 (and a Retry-After) or a 5xx, never reaching
// the fake. It records, per destination (a channel, a conversation, a chat),
// when each call came and what it was told, so a suite can measure whether
// the bot waited as long as it was asked to.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChaosCall {
  at: number;
  method: string;
  path: string;
  destination?: string;
  /** The start of the body, to tell calls apart when a suite explains a failure. */
  body: string;
  /** What the proxy answered itself; undefined when the call was forwarded. */
  injected?: { status: number; retryAfterSeconds?: number };
}

export interface ChaosOptions {
  /** Where calls are forwarded (the fake's origin, e.g. http://127.0.0.1:4567). */
  target: string;
  /** Share of the picked calls answered with a failure (0..1). */
  failureRate: number;
  /** Which calls may fail, and which destination they are for (undefined: never fail). */
  destinationOf(method: string, path: string, body: string): string | undefined;
  /** Random source (seeded by the suite). */
  random?: () => number;
}

/** How a Retry-After was honoured: the gap to the next call for the same destination. */
export interface RetryAfterGap {
  destination: string;
  /** When the 429 was answered. */
  at: number;
  askedMs: number;
  waitedMs: number;
}

export class ChaosProxy {
  readonly calls: ChaosCall[] = [];
  private server?: http.Server;
  origin = '';

  constructor(private readonly options: ChaosOptions) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  injected(): ChaosCall[] {
    return this.calls.filter((c) => c.injected);
  }

  /** For every 429 the proxy sent, how long until the next call for that destination came. */
  retryAfterGaps(): RetryAfterGap[] {
    const gaps: RetryAfterGap[] = [];
    this.calls.forEach((call, i) => {
      if (call.injected?.status !== 429 || !call.destination) return;
      const next = this.calls.slice(i + 1).find((c) => c.destination === call.destination);
      if (next) gaps.push({ destination: call.destination, at: call.at, askedMs: (call.injected.retryAfterSeconds ?? 0) * 1000, waitedMs: next.at - call.at });
    });
    return gaps;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const destination = this.options.destinationOf(method, path.split('?')[0], body.toString('utf8'));
    const call: ChaosCall = { at: Date.now(), method, path, body: body.toString('utf8').slice(0, 300), ...(destination ? { destination } : {}) };
    this.calls.push(call);
    const random = this.options.random ?? Math.random;
    if (destination && random() < this.options.failureRate) {
      const roll = random();
      if (roll < 0.5) {
        const retryAfterSeconds = roll < 0.35 ? 1 : 2;
        call.injected = { status: 429, retryAfterSeconds };
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited', code: 99991400, msg: 'rate limited (injected)' }));
      } else {
        const status = roll < 0.75 ? 500 : 503;
        call.injected = { status };
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'internal_error', code: 1, msg: 'server error (injected)' }));
      }
      return;
    }
    await this.forward(req, body, res);
  }

  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const target = new URL(req.url ?? '/', this.options.target);
    return new Promise((resolve) => {
      const out = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => resolve());
      });
      out.on('error', () => {
        res.writeHead(502);
        res.end();
        resolve();
      });
      out.end(body);
    });
  }
}
