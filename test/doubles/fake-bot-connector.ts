// A local Teams connector (the Bot Framework REST API an activity's serviceUrl
// points at): records every call Duban makes with its Authorization header,
// answers like Teams, and can be told to fail the next calls (429 with
// Retry-After, 500, 403 "bot removed").
import http from 'node:http';

export interface ConnectorCall {
  method: string;
  path: string;
  /** Decoded conversation id from the path, when the route has one. */
  conversationId?: string;
  /** Decoded activity id from the path (reply and update routes). */
  activityId?: string;
  kind: 'send' | 'reply' | 'update' | 'create' | 'member' | 'other';
  body: any;
  authorization?: string;
}

export interface Failure {
  status: number;
  retryAfter?: string;
  code?: string;
}

export interface Member {
  id: string;
  name: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
}

export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  /** Roster answers for GET …/members/:id, by channel account id. */
  readonly members = new Map<string, Member>();
  private failures: Failure[] = [];
  private counter = 0;

  private constructor(
    private readonly server: http.Server,
    readonly serviceUrl: string,
  ) {}

  static async start(): Promise<FakeBotConnector> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const connector = new FakeBotConnector(server, `http://127.0.0.1:${port}/`);
    server.on('request', (req, res) => connector.handle(req, res));
    return connector;
  }

  /** Answers the next `count` calls with this failure instead of success. */
  failNext(count: number, failure: Failure): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  /** Messages posted (new or as replies), in order. */
  posted(): ConnectorCall[] {
    return this.calls.filter((c) => c.kind === 'send' || c.kind === 'reply');
  }

  updates(): ConnectorCall[] {
    return this.calls.filter((c) => c.kind === 'update');
  }

  reset(): void {
    this.calls.length = 0;
    this.failures = [];
  }

  async waitFor(check: (calls: ConnectorCall[]) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.calls)) {
      if (Date.now() > deadline) throw new Error(`connector: condition not met in ${timeoutMs} ms; calls: ${JSON.stringify(this.calls.map((c) => `${c.method} ${c.path}`))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const path = (req.url ?? '/').split('?')[0];
      const call = this.classify(req.method ?? 'GET', path, body, req.headers.authorization);
      this.calls.push(call);
      const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      const failure = this.failures.shift();
      if (failure) {
        return json(failure.status, { error: { code: failure.code ?? `Http${failure.status}`, message: 'failure requested by the test' } }, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});
      }
      switch (call.kind) {
        case 'send':
        case 'reply':
          return json(201, { id: `msg-${++this.counter}` });
        case 'update':
          return json(200, { id: call.activityId });
        case 'create':
          return json(201, { id: `a:created-${++this.counter}` });
        case 'member': {
          const member = this.members.get(call.activityId ?? '');
          return member ? json(200, member) : json(404, { error: { code: 'MemberNotFoundInConversation', message: 'not found' } });
        }
        default:
          return json(404, { error: { code: 'NotFound', message: `no route ${call.method} ${path}` } });
      }
    });
  }

  private classify(method: string, path: string, body: unknown, authorization: string | undefined): ConnectorCall {
    const base = { method, path, body, ...(authorization ? { authorization } : {}) };
    const decode = (s: string) => decodeURIComponent(s);
    let m = /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)$/.exec(path);
    if (m) return { ...base, kind: method === 'PUT' ? 'update' : 'reply', conversationId: decode(m[1]), activityId: decode(m[2]) };
    m = /^\/v3\/conversations\/([^/]+)\/activities$/.exec(path);
    if (m && method === 'POST') return { ...base, kind: 'send', conversationId: decode(m[1]) };
    m = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(path);
    if (m && method === 'GET') return { ...base, kind: 'member', conversationId: decode(m[1]), activityId: decode(m[2]) };
    if (path === '/v3/conversations' && method === 'POST') return { ...base, kind: 'create' };
    return { ...base, kind: 'other' };
  }
}
