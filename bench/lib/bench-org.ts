// The organisation the Slack benchmarks run against: departments of people who
// all have Slack ids (so identifying a sender needs no users.info call), and
// the test of what counts as Duban's answer to a `/ticket open`.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchOrgShape {
  departments: number;
  perDepartment: number;
  /** Give each department a Slack home channel (its ticket cards are posted there). */
  homes: boolean;
  /** Part of the file name, so suites running side by side do not share a file. */
  name: string;
}

/**
 * Writes the org (YAML is a superset of JSON) and returns its path and the Slack ids of its people,
 * interleaved so consecutive commands come from different departments. Commands go round-robin over
 * all of them: Duban limits each person to 30 commands a minute (RATE_LIMIT_PER_MINUTE, default),
 * so n senders can offer up to n/2 commands/s without being limited.
 */
export function writeBenchOrg(shape: BenchOrgShape): { file: string; slackIds: string[] } {
  const departments = [];
  const people: Array<Record<string, unknown>> = [
    { id: 'director', name: 'Director', locale: 'zh-CN', roles: ['director'] },
    { id: 'manager', name: 'Manager', roles: ['manager'], supervisor: 'director', slack: 'U0MANAGER' },
    { id: 'admin', name: 'Admin', roles: ['admin'], slack: 'U0ADMIN' },
  ];
  const slackIds: string[] = [];
  for (let d = 0; d < shape.departments; d++) {
    const dept = `dept-${String(d).padStart(2, '0')}`;
    const member = (k: number) => `p${String(d).padStart(2, '0')}-${String(k).padStart(3, '0')}`;
    const home = shape.homes ? { home: { slack: `C0HOME${String(d).padStart(2, '0')}` } } : {};
    departments.push({ id: dept, name: `Department ${d}`, nameZh: `部门${d}`, lead: member(0), manager: 'manager', onDuty: [member(0), member(1)], calendar: '24x7', ...home });
    for (let k = 0; k < shape.perDepartment; k++) {
      const slack = `UB${String(d).padStart(2, '0')}${String(k).padStart(3, '0')}`;
      slackIds.push(slack);
      people.push({ id: member(k), name: `Person ${d}.${k}`, locale: k % 4 === 3 ? 'zh-CN' : 'en', roles: k === 0 ? ['supervisor', 'agent'] : ['agent'], department: dept, supervisor: k === 0 ? 'manager' : member(0), slack });
    }
  }
  const file = path.join(os.tmpdir(), `duban-bench-${shape.name}-org-${process.pid}.yaml`);
  writeFileSync(file, JSON.stringify({ departments, people }));
  const interleaved = Array.from({ length: slackIds.length }, (_, i) => slackIds[(i % shape.departments) * shape.perDepartment + Math.floor(i / shape.departments)]);
  return { file, slackIds: interleaved };
}

/**
 * Duban acks a `/ticket open` once the ticket is stored: an empty 200 (the card goes to the channel through the outbox)
 * or its private answer. "Working on it…" means the command outran Slack's deadline and was acked before the ticket
 * was stored, and the rate limiter's answer stores nothing: neither is the answer measured.
 */
export function dubanAccepts(status: number, body: string): boolean {
  return status === 200 && !/Working on it|正在处理|went wrong on my side|系统出了点问题|faster than|速度超过/.test(body);
}
