// Operations: GET /metrics on a running app (commands by verb and outcome,
// answer times, the outbox by status), and the organisation CLI
// (`npm run org -- import|export`) against the app's database.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OrgRepository } from '../../../src/storage/org.repository.js';
import { runOrgCommand } from '../../../scripts/org.js';
import { startTestApp, type TestApp } from '../../support/app.js';

let t: TestApp;
let dir: string;

beforeAll(async () => {
  t = await startTestApp({ prefix: 'ops' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-ops-'));
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with commands by verb and outcome, answer times and the outbox depth', async () => {
    const id = await t.client.open('sam.taylor', 'Printer on fire');
    await t.client.say('sam.taylor', `/ticket claim ${id}`);
    await t.client.say('sam.taylor', `/ticket claim ${id}`);
    await t.client.say('sam.taylor', '/ticket frobnicate');
    await t.client.say('sam.taylor', '/工单 看板');
    const res = await fetch(`${t.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('duban_commands_total{verb="open",outcome="ok"} 1');
    expect(text).toContain('duban_commands_total{verb="claim",outcome="ok"} 1');
    expect(text).toContain('duban_commands_total{verb="claim",outcome="refused"} 1');
    expect(text).toContain('duban_commands_total{verb="unknown",outcome="refused"} 1');
    expect(text).toContain('duban_commands_total{verb="dashboard",outcome="ok"} 1');
    expect(text).toMatch(/duban_command_ack_seconds_count\{platform="console"\} 5/);
    expect(text).toMatch(/duban_outbox_messages\{status="parked"\} 0/);
    expect(text).toContain('# TYPE duban_clock_lateness_seconds histogram');
    expect(text).toContain('duban_deliveries_retried_total 0');
    // Counts and timings only: no ticket title, person or message text.
    expect(text).not.toMatch(/Printer|sam\.taylor|T-\d/);
  });
});

describe('npm run org', () => {
  it('exports the live directory as an ORG_FILE and imports it back', async () => {
    const file = path.join(dir, 'org.yaml');
    const out: string[] = [];
    const repo = new OrgRepository(t.app.database.connection);
    expect(await runOrgCommand(repo, ['export', file], (l) => out.push(l))).toBe(0);
    expect(out).toEqual([`exported 3 departments and 13 people to ${file}`]);
    const edited = fs.readFileSync(file, 'utf8').replace('name: Billing\n', 'name: Billing and Payments\n');
    fs.writeFileSync(file, edited);
    expect(await runOrgCommand(repo, ['import', file], (l) => out.push(l))).toBe(0);
    expect(out[1]).toBe(`imported ${file}: 3 departments, 13 people, 2 reviewers, 4 in the emergency group`);
    expect((await repo.load()).department('billing')?.name).toBe('Billing and Payments');
  });

  it('refuses a bad file with the org loader’s one line, and explains its usage', async () => {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'departments:\n  - id: support\n    name: Support\npeople:\n  - id: a\n    name: A\n    roles: [boss]\n');
    const errors: string[] = [];
    const repo = new OrgRepository(t.app.database.connection);
    expect(await runOrgCommand(repo, ['import', file], () => undefined, (l) => errors.push(l))).toBe(1);
    expect(errors[0]).toBe(`${file} line 7 (people[0].roles[0]): 'boss' is not a role; use one of agent, supervisor, manager, director, reviewer, admin`);
    expect(await runOrgCommand(repo, ['replace', file], () => undefined, (l) => errors.push(l))).toBe(2);
    expect(errors[1]).toContain('usage: npm run org -- import <org.yaml>');
    expect((await repo.load()).department('billing')).toBeDefined();
  });
});
