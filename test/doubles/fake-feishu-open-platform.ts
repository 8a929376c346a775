// A stand-in for Feishu's open platform on 127.0.0.1: the tenant token
// endpoint the SDK calls first, message create / reply / patch / get, private
// (ephemeral) cards, the bot info and contact lookups. It records every call
// and can answer the next calls with a rate limit, a server error or a
// Feishu error code. Its base URL is what FEISHU_DOMAIN points at.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';

export interface FeishuCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  authorization?: string;
  /** The status the fake answered with. */
  status: number;
}

export type FeishuFailure =
  | { kind: 'rate-limited'; resetSeconds?: number; retryAfterSeconds?: number }
  | { kind: 'server-error' }
  | { kind: 'code'; code: number; msg?: string; status?: number };

export interface StoredMessage {
  message_id: string;
  chat_id?: string;
  msg_type: string;
  content: string;
  sender?: string;
  message_app_link?: string;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
};

export class FakeFeishuOpenPlatform {
  readonly calls: FeishuCall[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly users = new Map<string, { name: string; email?: string; enterprise_email?: string }>();
  botOpenId = 'ou_duban_bot';
  /** When false, GET /open-apis/bot/v3/info answers with an error (bot info unavailable). */
  botInfoAvailable = true;
  private failures: FeishuFailure[] = [];
  private server?: http.Server;
  private counter = 0;
  private tokenCounter = 0;
  private readonly tokens = new Set<string>();
  baseUrl = '';

  constructor(
    readonly appId = 'cli_a1b2c3d4e5f60789',
    readonly appSecret = 'fake-feishu-secret',
  ) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => json(res, 500, { code: -1, msg: String(err) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The next calls to the message endpoints (create, reply, patch, get, ephemeral) fail as given, in order. */
  failNext(...failures: FeishuFailure[]): void {
    this.failures.push(...failures);
  }

  /** Calls to the message endpoints (create, reply, patch, ephemeral), in order. */
  sends(): FeishuCall[] {
    return this.calls.filter((c) => c.status === 200 && /^\/open-apis\/(im\/v1\/messages|ephemeral\/v1\/send)/.test(c.path) && c.method !== 'GET');
  }

  /** Every card or text the bot posted or patched, as parsed JSON. */
  contents(): Array<{ call: FeishuCall; content: any }> {
    return this.sends().map((call) => {
      if (call.path.startsWith('/open-apis/ephemeral')) return { call, content: call.body.card };
      const raw = call.body?.content;
      return { call, content: typeof raw === 'string' ? JSON.parse(raw) : raw };
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const call: FeishuCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization,
      status: 200,
    };
    this.calls.push(call);
    const answer = (status: number, payload: unknown, headers?: Record<string, string>) => {
      call.status = status;
      json(res, status, payload, headers);
    };

    if (call.path === '/open-apis/auth/v3/tenant_access_token/internal' && call.method === 'POST') {
      if (body?.app_id !== this.appId || body?.app_secret !== this.appSecret) return answer(400, { code: 10014, msg: 'app secret invalid' });
      const token = `t-fake-${++this.tokenCounter}`;
      this.tokens.add(token);
      return answer(200, { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 });
    }
    const token = /^Bearer (.+)$/.exec(call.authorization ?? '')?.[1];
    if (!token || !this.tokens.has(token)) return answer(401, { code: 99991663, msg: 'Invalid access token for authorization' });

    const failure = /^\/open-apis\/(im\/v1\/messages|ephemeral\/)/.test(call.path) ? this.failures.shift() : undefined;
    if (failure) return this.fail(failure, answer);

    const create = (chatId: string | undefined, msgType: string, content: string) => {
      const message_id = `om_fake_${++this.counter}`;
      this.messages.set(message_id, { message_id, chat_id: chatId, msg_type: msgType, content, sender: this.botOpenId });
      return message_id;
    };
    const messageId = /^\/open-apis\/im\/v1\/messages\/([^/]+)(\/reply)?$/.exec(call.path);

    if (call.path === '/open-apis/bot/v3/info' && call.method === 'GET') {
      if (!this.botInfoAvailable) return answer(400, { code: 99991672, msg: 'Access denied' });
      return answer(200, { code: 0, msg: 'ok', bot: { open_id: this.botOpenId, app_name: 'Duban', activate_status: 2 } });
    }
    if (call.path === '/open-apis/im/v1/messages' && call.method === 'POST') {
      const id = create(body.receive_id, body.msg_type, body.content);
      return answer(200, { code: 0, msg: 'success', data: { message_id: id, chat_id: body.receive_id, msg_type: body.msg_type } });
    }
    if (messageId?.[2] && call.method === 'POST') {
      const parent = this.messages.get(messageId[1]);
      const id = create(parent?.chat_id, body.msg_type, body.content);
      return answer(200, { code: 0, msg: 'success', data: { message_id: id, root_id: messageId[1], parent_id: messageId[1] } });
    }
    if (messageId && call.method === 'PATCH') {
      const stored = this.messages.get(messageId[1]);
      if (stored) stored.content = body.content;
      return answer(200, { code: 0, msg: 'success', data: {} });
    }
    if (messageId && call.method === 'GET') {
      const stored = this.messages.get(messageId[1]);
      if (!stored) return answer(400, { code: 230001, msg: 'message not found' });
      return answer(200, {
        code: 0,
        msg: 'success',
        data: {
          items: [
            {
              message_id: stored.message_id,
              msg_type: stored.msg_type,
              chat_id: stored.chat_id,
              body: { content: stored.content },
              sender: { id: stored.sender ?? 'ou_someone', id_type: 'open_id', sender_type: 'user' },
              ...(stored.message_app_link ? { message_app_link: stored.message_app_link } : {}),
            },
          ],
        },
      });
    }
    if (call.path === '/open-apis/ephemeral/v1/send' && call.method === 'POST') {
      const id = create(body.chat_id, 'interactive', JSON.stringify(body.card));
      return answer(200, { code: 0, msg: 'ok', data: { message_id: id } });
    }
    const user = /^\/open-apis\/contact\/v3\/users\/([^/]+)$/.exec(call.path);
    if (user && call.method === 'GET') {
      const found = this.users.get(user[1]);
      if (!found) return answer(400, { code: 41050, msg: 'no user authority error' });
      return answer(200, { code: 0, msg: 'success', data: { user: { open_id: user[1], ...found } } });
    }
    return answer(404, { code: 404, msg: `the fake has no ${call.method} ${call.path}` });
  }

  private fail(failure: FeishuFailure, answer: (status: number, payload: unknown, headers?: Record<string, string>) => void): void {
    if (failure.kind === 'rate-limited') {
      const headers: Record<string, string> = { 'x-ogw-ratelimit-limit': '5' };
      if (failure.resetSeconds !== undefined) headers['x-ogw-ratelimit-reset'] = String(failure.resetSeconds);
      if (failure.retryAfterSeconds !== undefined) headers['retry-after'] = String(failure.retryAfterSeconds);
      return answer(429, { code: 99991400, msg: 'request trigger frequency limit' }, headers);
    }
    if (failure.kind === 'server-error') return answer(500, { code: 1, msg: 'internal error' });
    return answer(failure.status ?? 400, { code: failure.code, msg: failure.msg ?? 'error' });
  }
}
