// /dashboard: the page, its assets (ECharts from node_modules, the page
// script and stylesheet — all from 'self', nothing inline), sign-in with a
// one-time link or the admin token, and sign-out.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpServer } from '../server.js';
import { readBody, BodyError } from '../body.js';
import type { DashboardAuth } from './dashboard-auth.js';
import { confirmLinkPage, dashboardPage, DASHBOARD_CSP, signInPage } from './dashboard.page.js';
import { DASHBOARD_CSS } from './dashboard.style.js';
import { CHARTS_SCRIPT } from './dashboard.charts.js';
import { DASHBOARD_SCRIPT } from './dashboard.script.js';
import { DASHBOARD_STRINGS } from './dashboard.strings.js';

const LINK_PROBLEMS = {
  unknown: 'This sign-in link is not valid. Ask for a new one with /ticket dashboard. · 此登录链接无效，请用 /工单 看板 重新获取。',
  used: 'This sign-in link was already used; each link works once. Ask for a new one with /ticket dashboard. · 此链接已使用过（每个链接只能用一次），请重新获取。',
  expired: 'This sign-in link has expired (links last 15 minutes). Ask for a new one with /ticket dashboard. · 此链接已过期（15 分钟内有效），请重新获取。',
  gone: 'The person this link was made for is no longer in the directory. · 此链接对应的人员已不在组织中。',
} as const;

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

function sendPage(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': DASHBOARD_CSP, ...SECURITY_HEADERS, ...extra });
  res.end(html);
}

function redirect(res: ServerResponse, to: string, cookie?: string): void {
  res.writeHead(303, { location: to, 'cache-control': 'no-store', ...(cookie ? { 'set-cookie': cookie } : {}) });
  res.end();
}

let echartsSource: Buffer | undefined;
/** ECharts' own minified build, read once from the installed package (no bundler, no CDN). */
function echartsMin(): Buffer {
  if (!echartsSource) {
    const entry = createRequire(import.meta.url).resolve('echarts');
    echartsSource = readFileSync(path.join(path.dirname(entry), 'echarts.min.js'));
  }
  return echartsSource;
}

export function registerDashboardRoutes(http: HttpServer, auth: DashboardAuth): void {
  const assets: Record<string, { type: string; body: () => string | Buffer; maxAge: number }> = {
    'dashboard.css': { type: 'text/css; charset=utf-8', body: () => DASHBOARD_CSS, maxAge: 300 },
    'charts.js': { type: 'text/javascript; charset=utf-8', body: () => CHARTS_SCRIPT, maxAge: 300 },
    'dashboard.js': { type: 'text/javascript; charset=utf-8', body: () => DASHBOARD_SCRIPT, maxAge: 300 },
    'strings.js': { type: 'text/javascript; charset=utf-8', body: () => `window.DubanStrings=${JSON.stringify({ en: DASHBOARD_STRINGS.en, 'zh-CN': DASHBOARD_STRINGS['zh-CN'], codes: DASHBOARD_STRINGS.codes })};`, maxAge: 300 },
    'echarts.min.js': { type: 'text/javascript; charset=utf-8', body: echartsMin, maxAge: 86_400 },
  };
  http.route('GET', '/dashboard/assets/*', (req, res) => {
    const name = (req.url ?? '').split('?')[0].slice('/dashboard/assets/'.length);
    const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
    if (!asset) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`no asset ${name.slice(0, 60)}`);
      return;
    }
    res.writeHead(200, { 'content-type': asset.type, 'cache-control': `public, max-age=${asset.maxAge}`, ...SECURITY_HEADERS });
    res.end(asset.body());
  });

  http.route('GET', '/dashboard', async (req, res) => {
    const principal = await auth.principal(req);
    if (!principal) return sendPage(res, 200, signInPage());
    sendPage(res, 200, dashboardPage());
  });

  // Opening the link only shows a button: chat platforms fetch links for previews, and that must not spend it.
  http.route('GET', '/dashboard/signin', async (req, res) => {
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('t') ?? '';
    const state = await auth.checkLink(token);
    if (state !== 'ok') return sendPage(res, state === 'unknown' ? 400 : 410, signInPage(LINK_PROBLEMS[state]));
    sendPage(res, 200, confirmLinkPage(token));
  });

  http.route('POST', '/dashboard/signin', async (req: IncomingMessage, res: ServerResponse) => {
    let form: URLSearchParams;
    try {
      form = new URLSearchParams((await readBody(req, 10_000)).toString('utf8'));
    } catch (err) {
      if (err instanceof BodyError) return sendPage(res, err.status, signInPage(err.message));
      throw err;
    }
    const token = form.get('t');
    if (token !== null) {
      const spent = await auth.spendLink(token);
      if (!spent.ok) return sendPage(res, spent.reason === 'unknown' ? 400 : 410, signInPage(LINK_PROBLEMS[spent.reason]));
      return redirect(res, '/dashboard', auth.sessionCookie(spent.sessionId));
    }
    const session = await auth.signInWithToken(form.get('admin_token') ?? '');
    if (!session) return sendPage(res, 401, signInPage('That is not the admin token. · 管理员令牌不正确。'));
    redirect(res, '/dashboard', auth.sessionCookie(session));
  });

  http.route('POST', '/dashboard/signout', async (req, res) => {
    await auth.signOut(req);
    redirect(res, '/dashboard', auth.clearedCookie());
  });
}
