// Suite 2 — every scheduled job executed twice and out of order. Tickets run
// on the fast policy (seconds-long clocks) on a manual clock; at each second
// every job the scheduler holds that is due (clock milestones, penalty
// re-grades, appeal follow-ups) and the sweep is run twice, shuffled and all
// at once, through the job handlers Agenda would call. The notifications and
// the penalty ledger must be exactly what the policy says: no reminder beyond
// it, no penalty twice, nothing missing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/core/clock.js';
import { JOB_NAMES } from '../../jobs/job-names.js';
import {
  claimedSupportCounts,
  countMilestones,
  escalations,
  startSlaHarness,
  unclaimedSupportCounts,
  withoutEscalations,
  type SlaHarness,
  type StoredNotification,
} from '../support/sla-app.js';
import { FigureBook } from './harness/figures.js';
import { PROFILE, seededRandom } from './harness/profile.js';

// A day ahead of real time: Agenda (which keeps real time) never runs these jobs by itself, so each
// job runs exactly as often as this suite runs it — twice.
const clock = new ManualClock(Date.now() + 24 * 3600_000);
let h: SlaHarness;
const book = new FigureBook('2-jobs', 'every scheduled job run twice, out of order');

beforeAll(async () => {
  h = await startSlaHarness({ prefix: 'faults_jobs', clock });
}, 60_000);
afterAll(async () => {
  await book.write();
  await h?.close();
});

/** Same person, message, ticket, clock — and re-nag number or penalty grade, which legitimately repeat. */
function repeatedNotices(rows: StoredNotification[]): string[] {
  const seen = new Map<string, number>();
  for (const n of rows) {
    const key = `${n.personId} ${n.message} ${n.ticketId} ${n.params.clock ?? ''} ${n.message === 'clock.renag' ? n.params.n : ''} ${n.params.grade ?? ''} ${n.params.penaltyId ?? ''}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, c]) => c > 1).map(([k, c]) => `${k} ×${c}`);
}

function shuffle<T>(items: T[], rnd: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('suite 2: every scheduled job executed twice and out of order', () => {
  it('sends every reminder the policy asks for once, and records every penalty once', async () => {
    const random = seededRandom();
    book.seed = random.seed;
    const unclaimed: string[] = [];
    const claimed: string[] = [];
    for (let i = 0; i < PROFILE.jobs.tickets; i++) {
      unclaimed.push(await h.client.open('grace.liu', `Jobs twice unclaimed ${i} --department support`));
      const id = await h.client.open('grace.liu', `Jobs twice claimed ${i} --department support`);
      await h.client.say('zhang.wei', `/ticket claim ${id}`);
      claimed.push(id);
    }
    const agenda = h.app.jobs.agenda;
    const kinds = [JOB_NAMES.clockMilestone, JOB_NAMES.penaltyRegrade, JOB_NAMES.appealFollowUp];
    let executions = 0;
    let milestoneRuns = 0;
    let regradeRuns = 0;
    const ran = new Set<string>();
    // Past every milestone (escalation at 9 s) and the re-grade thresholds (12 s), a second at a time.
    for (let second = 0; second < 16; second++) {
      clock.advance(1000);
      const due = (await h.mongo.collection('agendaJobs').find({ name: { $in: kinds }, nextRunAt: { $lte: clock.now() } }).toArray()).filter((j) => !ran.has(String(j._id)));
      for (const j of due) ran.add(String(j._id));
      const runs = [...due.map((j) => ({ name: String(j.name), data: j.data as unknown })), { name: JOB_NAMES.clockSweep, data: {} }];
      const twice = shuffle([...runs, ...runs], random.next);
      executions += twice.length;
      milestoneRuns += twice.filter((r) => r.name === JOB_NAMES.clockMilestone).length;
      regradeRuns += twice.filter((r) => r.name === JOB_NAMES.penaltyRegrade).length;
      await Promise.all(twice.map(async ({ name, data }) => agenda.definitions[name].fn(agenda.create(name, data) as never)));
    }

    const rows = await h.notifications();
    const repeated = repeatedNotices(rows);
    const beyondPolicy: string[] = [];
    const missing: string[] = [];
    const compare = (id: string, expected: Record<string, number>) => {
      const actual = withoutEscalations(countMilestones(rows.filter((n) => n.ticketId === id)));
      for (const [k, n] of Object.entries(actual)) if (n > (expected[k] ?? 0)) beyondPolicy.push(`${k} ×${n}`);
      for (const k of Object.keys(expected)) if (!actual[k]) missing.push(k);
    };
    for (const id of unclaimed) compare(id, unclaimedSupportCounts(id));
    for (const id of claimed) compare(id, claimedSupportCounts(id, 'zhang.wei', 'chen.jing'));
    const escalationMismatches: string[] = [];
    for (const id of [...unclaimed, ...claimed]) {
      const e = escalations(await h.client.mustTicket(id), rows.filter((n) => n.ticketId === id));
      if (JSON.stringify(e.saved) !== JSON.stringify(e.told)) escalationMismatches.push(`${id}: saved ${e.saved.join(', ')} told ${e.told.join(', ')}`);
    }
    const penalties = await h.mongo.collection('penalties').find({ ticketId: { $in: [...unclaimed, ...claimed] } }).toArray();
    const perKey = new Map<string, number>();
    for (const p of penalties) perKey.set(`${p.ticketId} ${p.clock} ${p.personId}`, (perKey.get(`${p.ticketId} ${p.clock} ${p.personId}`) ?? 0) + 1);
    const duplicatePenalties = [...perKey].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);

    book.note('tickets (unclaimed + claimed)', unclaimed.length + claimed.length);
    book.note('job executions (each job twice, shuffled, concurrent)', executions);
    book.note('of which clock milestones / re-grades', `${milestoneRuns} / ${regradeRuns}`);
    book.note('penalties recorded', penalties.length);
    book.check('reminders/notices beyond policy', beyondPolicy.length + repeated.length, '= 0', beyondPolicy.length + repeated.length === 0);
    book.check('duplicate penalties', duplicatePenalties.length, '= 0', duplicatePenalties.length === 0);
    book.check('milestones missing', missing.length, '= 0', missing.length === 0);
    book.check('escalations told ≠ saved', escalationMismatches.length, '= 0', escalationMismatches.length === 0);

    // Every milestone of every ticket came from a job this suite ran (twice), not from elsewhere.
    expect(milestoneRuns).toBeGreaterThanOrEqual(2 * (unclaimed.length * 10 + claimed.length * 5));
    expect(regradeRuns).toBeGreaterThan(0);
    expect(repeated).toEqual([]);
    expect(beyondPolicy).toEqual([]);
    expect(missing).toEqual([]);
    expect(duplicatePenalties).toEqual([]);
    expect(escalationMismatches).toEqual([]);
    // Claimed tickets breached: each owner has a penalty on the resolution clock.
    expect(claimed.every((id) => perKey.has(`${id} resolution zhang.wei`))).toBe(true);
  }, 180_000);
});
