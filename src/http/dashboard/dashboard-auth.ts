// Who is asking, on the web: the admin token (bearer header), or a dashboard
// session cookie obtained with a one-time link from chat (`/ticket dashboard`)
// or the admin token typed into the sign-in form. Links live 15 minutes and
// work once; sessions live 8 hours in an HttpOnly SameSite=Strict cookie.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../core/clock.js';
import type { OrgView } from '../../org/org.types.js';
import type { MongoDashboardSessions, SessionPrincipal } from '../../storage/dashboard-session.repository.js';
import { ADMIN_VIEWER, type Viewer } from '../../reports/report.scope.js';

export const LINK_TTL_MS = 15 * 60_000;
export const SESSION_TTL_MS = 8 * 3600_000;
export const SESSION_COOKIE = 'duban_session';

export interface Principal {
  viewer: Viewer;
  via: 'session' | 'admin-token';
}

export type SpendResult = { ok: true; sessionId: string } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'gone' };

const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');
const secret = () => randomBytes(32).toString('base64url');

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export class DashboardAuth {
  constructor(
    private readonly deps: {
      sessions: MongoDashboardSessions;
      org: OrgView;
      clock: Clock;
      adminToken: string;
      /** Where people reach Duban (`https://duban.example.com`); links point there. */
      publicUrl: () => string;
    },
  ) {}

  get secureCookies(): boolean {
    return this.deps.publicUrl().startsWith('https:');
  }

  /** A one-time sign-in link for a person (the chat command hands it over privately). */
  async issueLink(personId: string): Promise<{ url: string; expiresAt: Date }> {
    const token = secret();
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + LINK_TTL_MS);
    await this.deps.sessions.addLink({ hash: sha256(token), personId, createdAt: now, expiresAt });
    return { url: `${this.deps.publicUrl().replace(/\/$/, '')}/dashboard/signin?t=${token}`, expiresAt };
  }

  /** Whether a link could still be spent, without spending it (the page shown before the click). */
  async checkLink(token: string): Promise<'ok' | 'unknown' | 'used' | 'expired'> {
    const link = token ? await this.deps.sessions.findLink(sha256(token)) : undefined;
    if (!link) return 'unknown';
    if (link.usedAt) return 'used';
    if (link.expiresAt <= this.deps.clock.now()) return 'expired';
    return 'ok';
  }

  /** Spends a link and opens a session for its person. */
  async spendLink(token: string): Promise<SpendResult> {
    const now = this.deps.clock.now();
    const link = token ? await this.deps.sessions.spendLink(sha256(token), now) : undefined;
    if (!link) {
      const state = await this.checkLink(token);
      return { ok: false, reason: state === 'ok' ? 'used' : state };
    }
    if (!this.deps.org.person(link.personId)) return { ok: false, reason: 'gone' };
    return { ok: true, sessionId: await this.openSession({ kind: 'person', personId: link.personId }) };
  }

  /** Signs in with the admin token typed into the form; undefined when it is wrong. */
  async signInWithToken(token: string): Promise<string | undefined> {
    if (!sameSecret(token, this.deps.adminToken)) return undefined;
    return this.openSession({ kind: 'admin' });
  }

  private async openSession(principal: SessionPrincipal): Promise<string> {
    const id = secret();
    const now = this.deps.clock.now();
    await this.deps.sessions.addSession({ hash: sha256(id), principal, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) });
    return id;
  }

  async signOut(req: IncomingMessage): Promise<void> {
    const id = cookieValue(req, SESSION_COOKIE);
    if (id) await this.deps.sessions.deleteSession(sha256(id));
  }

  /** The bearer admin token wins; otherwise a live session of a person still in the directory. */
  async principal(req: IncomingMessage): Promise<Principal | undefined> {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (bearer) return sameSecret(bearer, this.deps.adminToken) ? { viewer: ADMIN_VIEWER, via: 'admin-token' } : undefined;
    const id = cookieValue(req, SESSION_COOKIE);
    if (!id) return undefined;
    const session = await this.deps.sessions.findSession(sha256(id), this.deps.clock.now());
    if (!session) return undefined;
    if (session.principal.kind === 'admin') return { viewer: { kind: 'admin', label: 'admin-token' }, via: 'session' };
    const person = this.deps.org.person(session.principal.personId);
    return person ? { viewer: { kind: 'person', person }, via: 'session' } : undefined;
  }

  sessionCookie(id: string): string {
    return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}${this.secureCookies ? '; Secure' : ''}`;
  }

  clearedCookie(): string {
    return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${this.secureCookies ? '; Secure' : ''}`;
  }
}
