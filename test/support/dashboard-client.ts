// Signs in to the dashboard the way a person does — `/ticket dashboard` in the
// console, then the one-time link — and calls /api/v1 with the session cookie
// or the admin token. Plain fetch over real HTTP.
import type { ConsoleClient } from './console-client.js';

export interface HttpResult {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export type Auth = { cookie: string } | { bearer: string } | undefined;

/** Asks for a link as `user` and returns it with its origin pointed at `baseUrl`. */
export async function dashboardLink(client: ConsoleClient, baseUrl: string, user: string): Promise<string> {
  const text = await client.sayText(user, '/ticket dashboard');
  const found = /https?:\/\/\S+\/dashboard\/signin\?t=[\w-]+/.exec(text);
  if (!found) throw new Error(`no dashboard link in the reply: ${text}`);
  const url = new URL(found[0]);
  return `${baseUrl}${url.pathname}${url.search}`;
}

export function tokenOf(link: string): string {
  return new URL(link).searchParams.get('t') ?? '';
}

/** Spends a link; the raw response (303 with a cookie, or an error page). */
export async function postSignIn(baseUrl: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}/dashboard/signin`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
}

/** The `name=value` part of the session cookie a sign-in set. */
export function sessionCookieOf(res: Response): string {
  const header = res.headers.get('set-cookie') ?? '';
  const pair = header.split(';')[0];
  if (!pair.startsWith('duban_session=')) throw new Error(`no session cookie (status ${res.status}): ${header}`);
  return pair;
}

export async function signInAs(client: ConsoleClient, baseUrl: string, user: string): Promise<{ cookie: string }> {
  const res = await postSignIn(baseUrl, { t: tokenOf(await dashboardLink(client, baseUrl, user)) });
  return { cookie: sessionCookieOf(res) };
}

export async function call(baseUrl: string, path: string, auth: Auth, init: RequestInit = {}): Promise<HttpResult> {
  const headers = new Headers(init.headers);
  if (auth && 'cookie' in auth) headers.set('cookie', auth.cookie);
  if (auth && 'bearer' in auth) headers.set('authorization', `Bearer ${auth.bearer}`);
  const res = await fetch(`${baseUrl}${path}`, { ...init, headers, redirect: 'manual' });
  // Decoded by Buffer, which keeps a byte-order mark (Response.text() would drop it).
  const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // CSV, HTML or plain text: keep the text
  }
  return { status: res.status, body, text, headers: res.headers };
}
