// CSV exports over HTTP and from the command line, on the fixed data set:
// UTF-8 with a BOM (Excel shows Chinese), formula-looking cells neutralised,
// the right rows for the range and the reader, and an access log entry each.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { ManualClock } from '../../../src/core/clock.js';
import { EXPORT_HEADERS } from '../../../src/reports/export.service.js';
import { runExport } from '../../../scripts/export.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { NOW, RANGE, seedReportData } from '../../fixtures/report-data.js';
import { call, signInAs, type Auth } from '../../support/dashboard-client.js';

let t: TestApp;
let admin: Auth;
const q = `from=${RANGE.from}&to=${RANGE.to}`;
const BOM = '\uFEFF';

function rows(text: string): Array<Record<string, string>> {
  expect(text.startsWith(BOM)).toBe(true);
  return parse(text.slice(1), { columns: true }) as Array<Record<string, string>>;
}

async function csv(kind: string, auth: Auth = admin, extra = '') {
  const res = await call(t.baseUrl, `/api/v1/exports/${kind}?${q}${extra}`, auth);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toBe(`attachment; filename="duban-${kind}-${RANGE.from}-${RANGE.to}.csv"`);
  return res.text;
}

beforeAll(async () => {
  t = await startTestApp({ prefix: 'reports_exports', clock: new ManualClock(NOW) });
  await seedReportData(t.app.database.connection);
  admin = { bearer: t.app.adminToken };
});
afterAll(async () => {
  await t?.stop();
});

describe('GET /api/v1/exports/<kind>', () => {
  it('tickets: a BOM, the header, one row per ticket opened in the range, Chinese intact, formulas neutralised', async () => {
    const text = await csv('tickets');
    expect(text.split('\r\n')[0]).toBe(BOM + EXPORT_HEADERS.tickets.join(','));
    const list = rows(text);
    expect(list.map((r) => r.id)).toEqual(['T-101', 'T-104', 'T-102', 'T-107', 'T-103', 'T-105', 'T-106']);
    const byId = Object.fromEntries(list.map((r) => [r.id, r]));
    expect(byId['T-102']).toMatchObject({ title: '打印机着火', customer: '上海某银行', department_name: 'Customer Service', owner_name: '张伟', state: 'resolved', satisfaction: '5' });
    // Cells a spreadsheet would run as formulas start with a quote instead.
    expect(byId['T-107'].title).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(byId['T-107'].customer).toBe("'@SUM(1+1)");
    expect(byId['T-104'].customer).toBe("'-2+3");
    expect(byId['T-103'].confidential).toBe('yes');
    expect(byId['T-101'].created_at).toBe('2026-03-02T09:00:00.000Z');
  });

  it('timelines: every event in the range, with who did it', async () => {
    const list = rows(await csv('timelines'));
    expect(list).toHaveLength(25);
    const escalation = list.find((r) => r.ticket_id === 'T-107' && r.event === 'escalate')!;
    expect(escalation).toMatchObject({ actor: 'sam.taylor', actor_name: 'Sam Taylor', platform: 'console', via: 'command' });
    expect(escalation.details).toBe('reason=+cmd|calc; level=supervisor; to=chen.jing');
    expect(list.filter((r) => r.actor === 'system').map((r) => r.event)).toEqual(['escalate']);
  });

  it('penalties and scorecards', async () => {
    const penalties = rows(await csv('penalties'));
    expect(penalties.map((r) => r.id).sort()).toEqual(['P-1', 'P-2', 'P-3', 'P-4', 'P-5']);
    expect(penalties.find((r) => r.id === 'P-4')).toMatchObject({ person: 'zhao.min', person_name: '赵敏', grade: 'severe', status: 'upheld', points: '5', overrun_percent: '150', target_minutes: '1440' });
    const cards = rows(await csv('scorecards'));
    expect(cards).toHaveLength(7);
    expect(cards.find((r) => r.person === 'sam.taylor')).toMatchObject({ name: 'Sam Taylor', department: 'support', tickets: '2', score: '86' });
  });

  it('a department filter narrows the export', async () => {
    expect(rows(await csv('tickets', admin, '&department=billing')).map((r) => r.id)).toEqual(['T-104', 'T-105']);
  });

  it('refuses bad requests with one clear line', async () => {
    const missing = await call(t.baseUrl, '/api/v1/exports/tickets?from=2026-03-01', admin);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('an export needs from and to, e.g. ?from=2026-03-01&to=2026-03-31');
    const kind = await call(t.baseUrl, `/api/v1/exports/customers?${q}`, admin);
    expect(kind.status).toBe(404);
    expect(kind.body.error).toBe("no export 'customers'; use one of tickets, timelines, penalties, scorecards");
    const date = await call(t.baseUrl, '/api/v1/exports/tickets?from=01/03/2026&to=2026-03-18', admin);
    expect(date.status).toBe(400);
    expect(date.body.error).toContain("from '01/03/2026' is not a date");
    expect((await call(t.baseUrl, `/api/v1/exports/tickets?${q}`, undefined)).status).toBe(401);
  });

  it('a session exports only what its reader may see', async () => {
    const sam = await signInAs(t.client, t.baseUrl, 'sam.taylor');
    expect(rows(await csv('tickets', sam)).map((r) => r.id)).toEqual(['T-101', 'T-102', 'T-107', 'T-103']);
    expect(rows(await csv('penalties', sam)).map((r) => r.id)).toEqual(['P-1']);
  });
});

describe('npm run export', () => {
  it('writes the same CSV as the API to a file, and logs the export as cli:<user>', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-export-'));
    try {
      const out = path.join(dir, 'tickets.csv');
      const errors: string[] = [];
      const code = await runExport(['tickets', '--from', RANGE.from, '--to', RANGE.to, '--out', out, '--reason', 'quarterly audit'], {
        conn: t.app.database.connection,
        clock: new ManualClock(NOW),
        err: (line) => errors.push(line),
        user: 'tester',
      });
      expect(code).toBe(0);
      expect(errors).toEqual([`exported tickets ${RANGE.from}..${RANGE.to} to ${out}`]);
      expect(fs.readFileSync(out, 'utf8')).toBe(await csv('tickets'));
      const log = await call(t.baseUrl, '/api/v1/access-log?actor=cli:tester', admin);
      expect(log.body.entries).toEqual([expect.objectContaining({ actor: 'cli:tester', via: 'cli', action: 'export', subject: 'tickets 2026-03-01..2026-03-18', reason: 'quarterly audit', route: 'npm run export -- tickets' })]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains its usage on bad arguments (exit code 2)', async () => {
    const errors: string[] = [];
    const opts = { conn: t.app.database.connection, err: (line: string) => errors.push(line) };
    expect(await runExport(['tickets', '--from', RANGE.from], opts)).toBe(2);
    expect(await runExport(['people', '--from', RANGE.from, '--to', RANGE.to], opts)).toBe(2);
    expect(await runExport(['tickets', '--from', '2026-02-30', '--to', RANGE.to], opts)).toBe(2);
    expect(errors[0]).toMatch(/^usage: npm run export -- <tickets\|timelines\|penalties\|scorecards> --from YYYY-MM-DD --to YYYY-MM-DD/);
    expect(errors[2]).toContain("from '2026-02-30' is not a date");
  });
});
