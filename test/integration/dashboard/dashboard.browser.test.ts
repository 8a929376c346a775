// The dashboard in a real headless Chromium: a manager signs in with the
// one-time link from `/ticket dashboard`, sees the overdue list and charts
// actually drawn (canvas pixels), opens a ticket's timeline, switches to
// Chinese, and the page fits a phone. Nothing may break the CSP or throw.
// Screenshots go to test-output/ (git-ignored).
//
// Needs Debian's `chromium` at /usr/bin/chromium (.ci/run installs it). Without
// it the test is skipped on a developer machine, never in CI.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../support/app.js';
import { seedReportData } from '../../fixtures/report-data.js';
import { weekStart } from '../../../src/reports/report.range.js';
import { dashboardLink } from '../../support/dashboard-client.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = path.resolve('test-output');
const available = fs.existsSync(CHROMIUM);
if (!available && !process.env.CI) {
  console.warn(`Skipping the dashboard browser test: ${CHROMIUM} is missing (Debian: apt-get install chromium). In CI it always runs.`);
}
const describeBrowser = available || process.env.CI ? describe : describe.skip;

let t: TestApp;
let browser: Browser;
let page: Page;
const problems: string[] = [];

/** Pixels of a chart's canvas that are not blank: a drawn chart has thousands. */
async function paintedPixels(chartId: string): Promise<number> {
  return page.evaluate((id) => {
    // Runs in the page (the test compiles without the DOM's types).
    const canvas = (globalThis as any).document.querySelector(`#${id} canvas`);
    if (!canvas || !canvas.width || !canvas.height) return 0;
    const data: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
  }, chartId);
}

describeBrowser('the dashboard in headless Chromium', () => {
  beforeAll(async () => {
    t = await startTestApp({ prefix: 'dashboard_browser' });
    // The data set's two weeks end last Sunday, so the default range (12 weeks to today) holds all of it.
    const now = new Date();
    await seedReportData(t.app.database.connection, new Date(weekStart(now).getTime() - 14 * 24 * 3600_000), now);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
    page.on('console', (msg) => {
      // The pixel probe below reads canvases back, which Chromium comments on; that is the test, not the page.
      if (msg.text().startsWith('Canvas2D: Multiple readback')) return;
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`${res.status()}: ${res.url()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    fs.mkdirSync(OUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('signs in with the one-time link and shows the overdue list of the manager’s departments', async () => {
    const link = await dashboardLink(t.client, t.baseUrl, 'emma.clark');
    await page.goto(link);
    await page.click('#continue');
    await page.waitForURL(`${t.baseUrl}/dashboard`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
    expect(await page.textContent('#me')).toBe('Signed in as Emma Clark');
    const overdue = await page.textContent('#overdue-list');
    expect(overdue).toContain('Billing · 1 overdue');
    expect(overdue).toContain('Technical Support · 1 overdue');
    expect(overdue).toContain('T-105');
    expect(overdue).toContain('Payroll data leak suspicion');
    expect(overdue).not.toContain('T-101');
    // The clock bar of T-106's handoff clock: twice its target, drawn two thirds full.
    expect(await page.locator('#overdue-list .bar span').evaluateAll((spans) => spans.map((s) => (s as any).style.width as string))).toContain('67%');
  }, 40_000);

  it('draws real ECharts charts', async () => {
    for (const chart of ['chart-overdue', 'chart-compliance', 'chart-people', 'chart-penalty', 'chart-csat']) {
      await page.locator(`#${chart}`).scrollIntoViewIfNeeded();
      expect([chart, (await paintedPixels(chart)) > 2000]).toEqual([chart, true]);
    }
    const box = await page.locator('#chart-compliance canvas').boundingBox();
    expect(box!.width).toBeGreaterThan(600);
  });

  it('opens a ticket’s timeline (and the read is in the access log)', async () => {
    await page.click('#overdue-list button.tid >> text=T-106');
    await page.waitForSelector('#detail[open]');
    expect(await page.textContent('#detail-title')).toBe('T-106 · VPN drops every hour');
    expect(await page.locator('#detail-timeline li').count()).toBe(3);
    await page.click('#detail-close');
    const entries = (await t.app.reporting.accessLog.list({ actor: 'emma.clark', limit: 10 })).map((e) => [e.action, e.subject, e.reason]);
    expect(entries).toContainEqual(['ticket.read', 'T-106', 'dashboard']);
  });

  it('switches to Chinese without reloading', async () => {
    await page.click('#lang');
    await page.waitForFunction(() => (globalThis as any).document.documentElement.lang === 'zh-CN');
    expect(await page.textContent('#h-overdue')).toBe('当前超时');
    expect(await page.textContent('#overdue-list')).toContain('账务部 · 超时 1 单');
    expect(await page.textContent('#lang')).toBe('English');
    expect(await paintedPixels('chart-overdue')).toBeGreaterThan(2000);
    await page.screenshot({ path: path.join(OUT, 'dashboard-zh.png'), fullPage: true });
    expect(fs.statSync(path.join(OUT, 'dashboard-zh.png')).size).toBeGreaterThan(20_000);
  });

  it('fits a phone: one column, charts as wide as the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(400);
    const box = await page.locator('#chart-compliance canvas').boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    expect(box!.width).toBeGreaterThan(300);
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(OUT, 'dashboard-phone.png'), fullPage: true });
  });

  it('broke no rule of the CSP and threw nothing', () => {
    expect(problems).toEqual([]);
  });
});
