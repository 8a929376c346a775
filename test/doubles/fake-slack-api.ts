// A local stand-in for Slack's Web API (and for response_url), on a real
// HTTP server: the real WebClient and Bolt talk to it through SLACK_API_URL.
// It records every call and can be told to answer the next calls of a method
// with 429 + Retry-After, 500, or a Slack error code. With Socket Mode switched
// on it also plays Slack's WebSocket end: it says hello, pushes envelopes and
// keeps the acknowledgements the app sends back.
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `response_url` for posts to a response URL. */
  method: string;
  /** The parsed body; JSON-encoded form fields (blocks, view) are decoded. */
  body: Record<string, any>;
  headers: IncomingHttpHeaders;
  /** Path of a response_url post. */
  path: string;
  at: number;
  /** What the fake answered (a 429/500 failure has none). */
  response?: Record<string, any>;
}

export interface SlackUser {
  email?: string;
  locale?: string;
  name?: string;
}

type Failure = { status: 429; retryAfterSeconds: number } | { status: 500 } | { error: string };

const JSON_FIELDS = ['blocks', 'view', 'attachments', 'metadata'];

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<string, SlackUser>();
  readonly botUserId = 'UBOT0DUBAN';
  readonly botId = 'BBOT0DUBAN';
  private readonly failures = new Map<string, Failure[]>();
  private seq = 0;
  private waiters: Array<() => void> = [];
  private wss?: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  /** Messages the app sent over the socket (acknowledgements with their payloads). */
  readonly socketMessages: Array<{ envelope_id?: string; payload?: Record<string, any> }> = [];

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<FakeSlackApi> {
    const holder: { api?: FakeSlackApi } = {};
    const server = http.createServer((req, res) => void holder.api?.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.api = new FakeSlackApi(server, `http://127.0.0.1:${port}`);
    return holder.api;
  }

  /** SLACK_API_URL for the WebClient (ends in `/api/`). */
  get baseUrl(): string {
    return `${this.origin}/api/`;
  }

  /** A response_url that this fake records. */
  responseUrl(id = `r${++this.seq}`): string {
    return `${this.origin}/response/${id}`;
  }

  /** Answers the next `times` calls of `method` with the given failure. */
  failNext(method: string, failure: Failure, times = 1): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array.from({ length: times }, () => failure)]);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits until `method` has been called at least `count` times. */
  async waitForCalls(method: string, count = 1, timeoutMs = 5000): Promise<RecordedCall[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.callsTo(method).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${count} call(s) to ${method}; got ${this.callsTo(method).length} (all calls: ${this.calls.map((c) => c.method).join(', ') || 'none'})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.callsTo(method);
  }

  /** Answers apps.connections.open with a WebSocket URL of this fake and accepts connections there. */
  enableSocketMode(): void {
    this.wss = new WebSocketServer({ server: this.server, path: '/link' });
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        try {
          this.socketMessages.push(JSON.parse(String(data)));
        } catch {
          this.socketMessages.push({ payload: { raw: String(data) } });
        }
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0DUBAN' } }));
    });
  }

  /** Open Socket Mode connections. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Pushes an envelope (`slash_commands`, `events_api`, `interactive`) to every connected app. */
  push(envelope: Record<string, unknown>): void {
    for (const ws of this.sockets) ws.send(JSON.stringify(envelope));
  }

  reset(): void {
    this.calls.length = 0;
    this.failures.clear();
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0];
    const body = parseBody(raw, req.headers['content-type']);
    const method = path.startsWith('/api/') ? path.slice('/api/'.length) : path.startsWith('/response/') ? 'response_url' : path;
    const call: RecordedCall = { method, body, headers: req.headers, path, at: Date.now() };
    this.calls.push(call);
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());

    const failure = this.failures.get(method)?.shift();
    if (failure && 'status' in failure) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (failure.status === 429) headers['retry-after'] = String(failure.retryAfterSeconds);
      res.writeHead(failure.status, headers);
      res.end(JSON.stringify({ ok: false, error: failure.status === 429 ? 'ratelimited' : 'internal_error' }));
      return;
    }
    const answer = failure ? { ok: false, error: failure.error } : this.answer(method, body);
    call.response = answer;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  }

  private nextTs(): string {
    return `1700000000.${String(++this.seq).padStart(6, '0')}`;
  }

  private answer(method: string, body: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://duban-test.slack.com/', team: 'Duban Test', user: 'duban', team_id: 'T0TEST', user_id: this.botUserId, bot_id: this.botId };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        return { ok: true, channel: String(body.channel), ts, message: { text: body.text, ts } };
      }
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(body.users).replace(/^U/, '')}` } };
      case 'users.info': {
        const user = this.users.get(String(body.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id: body.user, name: user.name ?? body.user, real_name: user.name, locale: user.locale ?? 'en-US', profile: { email: user.email, display_name: user.name } } };
      }
      case 'views.open':
      case 'views.publish':
        return { ok: true, view: { id: `V${++this.seq}`, hash: `h${this.seq}`, ...(typeof body.view === 'object' ? body.view : {}) } };
      case 'chat.getPermalink':
        return { ok: true, channel: body.channel, permalink: `https://duban-test.slack.com/archives/${body.channel}/p${String(body.message_ts).replace('.', '')}` };
      case 'response_url':
        return { ok: true };
      case 'apps.connections.open':
        return this.wss ? { ok: true, url: `${this.origin.replace(/^http/, 'ws')}/link` } : { ok: false, error: 'not_allowed_token_type' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function parseBody(raw: string, contentType: string | undefined): Record<string, any> {
  if (!raw) return {};
  if ((contentType ?? '').includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, any>;
    } catch {
      return { raw };
    }
  }
  const form = parseQuery(raw) as Record<string, any>;
  for (const key of JSON_FIELDS) {
    if (typeof form[key] === 'string') {
      try {
        form[key] = JSON.parse(form[key]);
      } catch {
        // left as sent
      }
    }
  }
  return form;
}
