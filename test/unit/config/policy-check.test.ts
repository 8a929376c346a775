// `npm run policy:check FILE` as a user runs it: a child process, checked by its output and exit code.
import { describe, it, expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function check(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/policy-check.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('scripts/policy-check.ts', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'duban-policy-check-'));

  it('accepts the documented example and prints the effective targets', () => {
    const { code, stdout, stderr } = check('docs/policy.example.yaml');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('OK: docs/policy.example.yaml');
    expect(lines[1]).toMatch(/^rule\s+basis\s+when\s+target$/);
    expect(stdout).toMatch(/^first_response#2\s+working\s+VIP\s+15 min \(working time\)$/m);
    expect(stdout).toMatch(/^resolution#3\s+calendar\s+complex, VIP\s+1\.5 working days$/m);
    expect(stdout).toMatch(/^incident_response#4\s+calendar\s+incident, level 4\s+2 h$/m);
    expect(stdout).toContain('calendars: cn-support, night-desk');
  }, 60_000);

  it('shows a switched-off clock', () => {
    const file = path.join(dir, 'off.yaml');
    writeFileSync(file, 'clocks:\n  return_visit:\n    rules: []\n');
    const { code, stdout } = check(file);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^return_visit\s+calendar\s+\(no rules: this clock is off\)\s+-$/m);
  }, 60_000);

  it('prints the one-line error and exits 1 for a bad file', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'clocks:\n  resolution:\n    rules:\n      - target: 3 wrking days\n');
    const { code, stdout, stderr } = check(file);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${file} line 4: clocks.resolution.rules[0].target: '3 wrking days' is not a duration; write e.g. 90s, 30min, 4h, 3 working days\n`);
  }, 60_000);

  it('exits 1 for a missing file', () => {
    const { code, stderr } = check(path.join(dir, 'nope.yaml'));
    expect(code).toBe(1);
    expect(stderr).toContain('file not found');
  }, 60_000);

  it('prints the usage and exits 2 without a file', () => {
    const { code, stdout, stderr } = check();
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('usage: npm run policy:check <policy.yaml|policy.json>\n');
  }, 60_000);
});
