// Signing in to the dashboard: `/ticket dashboard` (看板) answers privately
// with a one-time link that works once and for 15 minutes, stored only as a
// hash; opening it shows a button (a chat preview spends nothing); the button
// opens an 8-hour HttpOnly SameSite=Strict session. The admin token works too.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash } from 'node:crypto';
import { ManualClock } from '../../../src/core/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { call, dashboardLink, postSignIn, sessionCookieOf, tokenOf } from '../../support/dashboard-client.js';

const START = new Date('2026-03-18T10:00:00Z');
let t: TestApp;
let clock: ManualClock;

beforeAll(async () => {
  clock = new ManualClock(START);
  t = await startTestApp({ prefix: 'dashboard_signin', clock });
});
afterAll(async () => {
  await t?.stop();
});

describe('the dashboard command', () => {
  it('answers privately, in the person’s language, with a link to this server', async () => {
    const [reply] = await t.client.say('zhang.wei', '/工单 看板');
    expect(reply.private).toBe(true);
    expect(reply.text).toMatch(/^你的看板链接（仅你可见，15 分钟内有效，只能用一次）：http:\/\/127\.0\.0\.1:\d+\/dashboard\/signin\?t=[\w-]{43}$/);
    const [en] = await t.client.say('sam.taylor', 'dashboard');
    expect(en.text).toMatch(/^Your dashboard link \(only for you; it works once, for 15 minutes\): http/);
  });

  it('stores only a hash of the token', async () => {
    const link = await dashboardLink(t.client, t.baseUrl, 'sam.taylor');
    const token = tokenOf(link);
    const links = t.app.database.connection.collection('dashboard_links');
    expect(await links.findOne({ _id: token } as never)).toBeNull();
    const stored = (await links.findOne({ _id: createHash('sha256').update(token).digest('hex') } as never)) as any;
    expect(stored).toMatchObject({ personId: 'sam.taylor', expiresAt: new Date(START.getTime() + 15 * 60_000) });
    expect(JSON.stringify(await links.find().toArray())).not.toContain(token);
  });

  it('is listed in help, and refuses a shared conversation where others could read the link', async () => {
    const [help] = await t.client.say('sam.taylor', '/ticket help dashboard');
    expect(help.card?.fields?.[0]?.value).toBe('A one-time link to the web dashboard (works once, for 15 minutes).');
    const [reply] = await t.app.router.handle({
      kind: 'text',
      text: '/ticket dashboard',
      actor: { platform: 'teams', platformUserId: 'aad-sam', displayName: 'Sam Taylor', personId: 'sam.taylor', locale: 'en' },
      conversation: { platform: 'teams', conversationId: '19:team@thread.tacv2', extras: { conversationType: 'channel' } },
      deliveryId: 'teams-channel-dashboard',
      receivedAt: clock.now(),
      via: 'mention',
    });
    expect(reply).toEqual({ text: 'Ask me for the dashboard link in a direct chat: here others could read it, and it signs in as you.', private: true });
  });
});

describe('a one-time link', () => {
  it('opening it spends nothing; the button signs in once, with a strict session cookie', async () => {
    const link = await dashboardLink(t.client, t.baseUrl, 'sam.taylor');
    for (let i = 0; i < 2; i++) {
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('name="t"');
    }
    const res = await postSignIn(t.baseUrl, { t: tokenOf(link) });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const header = res.headers.get('set-cookie')!;
    expect(header).toMatch(/^duban_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/);
    const me = await call(t.baseUrl, '/api/v1/me', { cookie: sessionCookieOf(res) });
    expect(me.body).toMatchObject({ id: 'sam.taylor', via: 'session' });

    const again = await postSignIn(t.baseUrl, { t: tokenOf(link) });
    expect(again.status).toBe(410);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toContain('This sign-in link was already used');
    expect((await fetch(link)).status).toBe(410);
  });

  it('two clicks racing each other sign in once', async () => {
    const token = tokenOf(await dashboardLink(t.client, t.baseUrl, 'zhang.wei'));
    const results = await Promise.all([postSignIn(t.baseUrl, { t: token }), postSignIn(t.baseUrl, { t: token }), postSignIn(t.baseUrl, { t: token })]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 410, 410]);
  });

  it('expires after 15 minutes', async () => {
    const token = tokenOf(await dashboardLink(t.client, t.baseUrl, 'sam.taylor'));
    clock.advance(15 * 60_000 + 1000);
    const res = await postSignIn(t.baseUrl, { t: token });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('This sign-in link has expired (links last 15 minutes)');
    const unknown = await postSignIn(t.baseUrl, { t: 'not-a-token' });
    expect(unknown.status).toBe(400);
    expect((await fetch(`${t.baseUrl}/dashboard/signin?t=`)).status).toBe(400);
  });

  it('a session ends after 8 hours, or at sign-out', async () => {
    const link = await dashboardLink(t.client, t.baseUrl, 'sam.taylor');
    const cookie = sessionCookieOf(await postSignIn(t.baseUrl, { t: tokenOf(link) }));
    expect((await call(t.baseUrl, '/api/v1/me', { cookie })).status).toBe(200);
    clock.advance(8 * 3600_000 + 1000);
    expect((await call(t.baseUrl, '/api/v1/me', { cookie })).status).toBe(401);

    const second = sessionCookieOf(await postSignIn(t.baseUrl, { t: tokenOf(await dashboardLink(t.client, t.baseUrl, 'sam.taylor')) }));
    const out = await call(t.baseUrl, '/dashboard/signout', { cookie: second }, { method: 'POST' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^duban_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0$/);
    expect((await call(t.baseUrl, '/api/v1/me', { cookie: second })).status).toBe(401);
  });
});

describe('the sign-in page and the admin token', () => {
  it('without a session /dashboard is the sign-in page, under a CSP that allows scripts from the server only', async () => {
    const page = await call(t.baseUrl, '/dashboard', undefined);
    expect(page.status).toBe(200);
    expect(page.text).toContain('/工单 看板');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.text).not.toMatch(/<script>|<style>|\sstyle="|\son[a-z]+="/);
  });

  it('the admin token typed into the form opens an admin session; a wrong one is refused', async () => {
    const ok = await postSignIn(t.baseUrl, { admin_token: t.app.adminToken });
    expect(ok.status).toBe(303);
    expect((await call(t.baseUrl, '/api/v1/me', { cookie: sessionCookieOf(ok) })).body).toMatchObject({ admin: true, via: 'session' });
    const wrong = await postSignIn(t.baseUrl, { admin_token: 'x'.repeat(32) });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That is not the admin token.');
  });

  it('serves the page script, the charts and ECharts itself from the server', async () => {
    for (const asset of ['dashboard.js', 'charts.js', 'strings.js', 'echarts.min.js', 'dashboard.css']) {
      const res = await fetch(`${t.baseUrl}/dashboard/assets/${asset}`);
      expect([asset, res.status]).toEqual([asset, 200]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await fetch(`${t.baseUrl}/dashboard/assets/../../package.json`)).status).toBe(404);
  });
});
