// A local stand-in for Bot Framework's sign-in services: an OpenID configuration
// with a JWKS (an RSA key generated for the test, endorsed for msteams like the
// real keys), a way to sign the channel tokens Teams would send, and an OAuth
// token endpoint for Duban's own calls (MICROSOFT_LOGIN_URL).
import http from 'node:http';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface TokenRequest {
  path: string;
  params: Record<string, string>;
}

export interface SignOptions {
  /** Claims to add or override (`aud`, `iss`, `serviceurl`, `exp`…). */
  claims?: Record<string, unknown>;
  /** Sign with a key the JWKS does not publish (a forged token). */
  foreignKey?: boolean;
  kid?: string;
}

export class FakeBotIdentity {
  readonly tokenRequests: TokenRequest[] = [];
  readonly issuedTokens: string[] = [];
  /** Answer the OpenID configuration with this status instead (e.g. 503). */
  metadataStatus = 200;
  readonly kid = `test-key-${randomBytes(4).toString('hex')}`;
  private readonly privateKey: KeyObject;
  private readonly publicJwk: Record<string, unknown>;
  private readonly foreignKey: KeyObject;

  private constructor(
    private readonly server: http.Server,
    readonly baseUrl: string,
    readonly appId: string,
  ) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicJwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    this.foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  static async start(appId: string): Promise<FakeBotIdentity> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const identity = new FakeBotIdentity(server, `http://127.0.0.1:${port}`, appId);
    server.on('request', (req, res) => identity.handle(req, res));
    return identity;
  }

  /** The value for MICROSOFT_TOKEN_ISSUER (and the `iss` of every token signed here). */
  get issuer(): string {
    return `${this.baseUrl}/issuer`;
  }

  /** The value for MICROSOFT_OPENID_METADATA_URL. */
  get openIdMetadataUrl(): string {
    return `${this.baseUrl}/.well-known/openid-configuration`;
  }

  /** The value for MICROSOFT_LOGIN_URL. */
  get loginUrl(): string {
    return this.baseUrl;
  }

  /** The environment an app under test needs to trust these keys and sign in here. */
  env(password = 'test-secret'): Record<string, string> {
    return {
      MICROSOFT_APP_ID: this.appId,
      MICROSOFT_APP_PASSWORD: password,
      MICROSOFT_OPENID_METADATA_URL: this.openIdMetadataUrl,
      MICROSOFT_TOKEN_ISSUER: this.issuer,
      MICROSOFT_LOGIN_URL: this.loginUrl,
    };
  }

  /** A channel token as Teams would send it for an activity from `serviceUrl`. */
  channelToken(serviceUrl: string, options: SignOptions = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: this.issuer, aud: this.appId, serviceurl: serviceUrl, nbf: now - 60, exp: now + 3600, ...options.claims };
    return jwt.sign(claims, options.foreignKey ? this.foreignKey : this.privateKey, { algorithm: 'RS256', keyid: options.kid ?? this.kid });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      if (this.metadataStatus !== 200) return json(this.metadataStatus, { error: 'unavailable' });
      return json(200, { issuer: this.issuer, jwks_uri: `${this.baseUrl}/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (req.method === 'GET' && path === '/keys') {
      return json(200, { keys: [{ ...this.publicJwk, kid: this.kid, use: 'sig', alg: 'RS256', endorsements: ['msteams'] }] });
    }
    if (req.method === 'POST' && /\/oauth2\/v2\.0\/token$/.test(path)) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        this.tokenRequests.push({ path, params });
        if (params.client_id !== this.appId || !params.client_secret) return json(401, { error: 'invalid_client' });
        const now = Math.floor(Date.now() / 1000);
        const token = jwt.sign({ iss: this.issuer, aud: 'https://api.botframework.com', appid: this.appId, iat: now, exp: now + 3600 }, this.privateKey, { algorithm: 'RS256', keyid: this.kid });
        this.issuedTokens.push(token);
        json(200, { token_type: 'Bearer', expires_in: 3600, access_token: token });
      });
      return;
    }
    json(404, { error: `no route ${req.method} ${path}` });
  }
}
