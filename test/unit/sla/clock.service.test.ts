// The clock service (src/sla/clock.service.ts) on an in-memory repository and
// a manual clock: fire, its stale/not-due answers, automatic escalation at
// 150 %, sweeps and outages — including the clocks that keep running after a
// ticket is resolved or closed (return visit, post-incident review).
import { describe, it, expect } from '@jest/globals';
import { ManualClock } from '../../../src/core/clock.js';
import { CalendarRegistry } from '../../../src/sla/calendar/index.js';
import { ClockKeeper } from '../../../src/sla/clock-keeper.js';
import { ClockService, type DueClockQuery } from '../../../src/sla/clock.service.js';
import { DEFAULT_POLICY } from '../../../src/sla/sla.policy.js';
import { Directory } from '../../../src/org/directory.js';
import { demoOrgData } from '../../../src/org/demo-org.js';
import { openTicket } from '../../../src/tickets/ticket.factory.js';
import { transition } from '../../../src/tickets/ticket.machine.js';
import type { TicketQuery, TicketRepository } from '../../../src/tickets/ports.js';
import type { OpenTicketInput, Ticket, TicketEvent } from '../../../src/tickets/ticket.types.js';
import type { Notice } from '../../../src/notifications/notification.types.js';
import { CONSOLE_SOURCE } from '../../doubles/ticket.builder.js';

const HOUR = 3_600_000;
const T0 = new Date('2025-03-03T01:00:00Z');
const org = new Directory(demoOrgData());
const keeper = new ClockKeeper({ policy: DEFAULT_POLICY, calendars: new CalendarRegistry(), org });
const tick = () => new Promise((r) => setImmediate(r));

/** A deep copy with Dates of this realm (structuredClone's would fail `instanceof Date` under Jest's VM). */
function copy<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(copy) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
  return value;
}

class MemoryTickets implements TicketRepository, DueClockQuery {
  readonly stored = new Map<string, Ticket>();
  async nextNumber() {
    return this.stored.size + 1;
  }
  async insert(t: Ticket) {
    this.stored.set(t.id, copy(t));
  }
  async get(id: string) {
    await tick();
    const t = this.stored.get(id);
    return t ? copy(t) : null;
  }
  async replace(t: Ticket, expectedVersion: number) {
    await tick();
    if (this.stored.get(t.id)?.version !== expectedVersion) return false;
    this.stored.set(t.id, copy(t));
    return true;
  }
  async list(_q: TicketQuery) {
    return [...this.stored.values()];
  }
  async dueClocks(now: Date) {
    return [...this.stored.values()].filter((t) => t.clocks?.some((c) => c.next && c.next.at <= now)).map((t) => copy(t));
  }
  async *ticketsWithClocks() {
    for (const t of this.stored.values()) if (t.clocks?.some((c) => c.status !== 'stopped')) yield copy(t);
  }
  async withPendingNotices() {
    return [...this.stored.values()].filter((t) => t.pendingNotices?.length).map((t) => copy(t));
  }
  async clearPendingNotices(id: string, keys: string[]) {
    const t = this.stored.get(id);
    if (t) t.pendingNotices = (t.pendingNotices ?? []).filter((n) => !keys.includes(n.dedupeKey ?? ''));
  }
}

function setup() {
  const tickets = new MemoryTickets();
  const clock = new ManualClock(T0);
  const sent = new Map<string, Notice & { ticketId: string }>();
  const scheduled: string[] = [];
  const service = new ClockService({
    tickets,
    keeper,
    org,
    clock,
    notices: {
      async deliver(ticket, notices) {
        await tick();
        for (const n of notices) if (!sent.has(n.dedupeKey ?? Math.random().toString())) sent.set(n.dedupeKey ?? String(sent.size), { ...n, ticketId: ticket.id });
      },
    },
    scheduler: {
      async schedule(ticket) {
        for (const c of ticket.clocks ?? []) if (c.status === 'running' && c.next) scheduled.push(`${ticket.id}:${c.name}:${c.next.seq}:${c.next.kind}`);
      },
    },
  });
  let number = 0;
  const open = async (input: Partial<OpenTicketInput> = {}) => {
    const made = openTicket(++number, { title: 'Printer on fire', departmentId: 'support', type: 'inquiry', priority: 'P3', ...input }, { now: clock.now(), actorId: 'grace.liu', source: CONSOLE_SOURCE });
    const t = keeper.apply(made.ticket, made.effects, clock.now());
    await tickets.insert(t);
    return t.id;
  };
  const act = async (id: string, event: TicketEvent, actorId = 'sam.taylor') => {
    const current = (await tickets.get(id))!;
    const moved = transition(current, event, { now: clock.now(), actorId, source: CONSOLE_SOURCE });
    await tickets.replace(keeper.apply(moved.ticket, moved.effects, clock.now()), current.version);
  };
  const clockOf = (id: string, name: string) => tickets.stored.get(id)!.clocks!.find((c) => c.name === name)!;
  /** Fires the clock's milestones, each at its moment, until `kind` has fired. */
  const fireThrough = async (id: string, name: string, kind: string) => {
    for (let i = 0; i < 20; i++) {
      const next = clockOf(id, name).next!;
      clock.set(next.at);
      expect(await service.fire(id, name, next.seq)).toBe('fired');
      if (next.kind === kind) return;
    }
    throw new Error(`no ${kind}`);
  };
  return { tickets, clock, sent, scheduled, service, open, act, clockOf, fireThrough };
}

describe('fire', () => {
  it('fires a due milestone once: notices, the saved clock, the next job', async () => {
    const s = setup();
    const id = await s.open();
    const next = s.clockOf(id, 'resolution').next!;
    expect(await s.service.fire(id, 'resolution', next.seq)).toBe('not-due');
    s.clock.set(next.at);
    expect(await Promise.all([s.service.fire(id, 'resolution', next.seq), s.service.fire(id, 'resolution', next.seq)])).toEqual(expect.arrayContaining(['fired', 'stale']));
    expect(await s.service.fire(id, 'resolution', next.seq)).toBe('stale');
    expect(await s.service.fire('T-404', 'resolution', 0)).toBe('stale');
    expect([...s.sent.values()].map((n) => [n.message, n.to])).toEqual([['clock.reminder', { departmentQueue: 'support' }]]);
    expect(s.clockOf(id, 'resolution')).toMatchObject({ remindedAt: next.at, next: { kind: 'breach' } });
    expect(s.tickets.stored.get(id)!.version).toBe(2);
    expect(s.scheduled).toContain(`${id}:resolution:${next.seq + 1}:breach`);
  });

  it('escalates at 150 % by the system, on the timeline, telling the person now responsible', async () => {
    const s = setup();
    const id = await s.open();
    await s.act(id, { kind: 'claim' }, 'zhang.wei');
    await s.fireThrough(id, 'resolution', 'escalate');
    const t = s.tickets.stored.get(id)!;
    expect(t.escalation).toMatchObject({ level: 'supervisor', toPersonId: 'chen.jing', reason: 'sla:resolution' });
    expect(t.timeline.at(-1)).toMatchObject({ kind: 'escalate', actorId: 'system', source: { platform: 'system', via: 'job' } });
    const escalationNotices = [...s.sent.values()].filter((n) => n.message.startsWith('ticket.escalated'));
    expect(escalationNotices.map((n) => [n.message, n.to, n.params.clock])).toEqual([
      ['ticket.escalated_to_you', { person: 'chen.jing' }, 'resolution'],
      ['ticket.escalated_notice', { person: 'zhang.wei' }, 'resolution'],
    ]);
  });

  it('at the top of the chain the escalation milestone is still recorded, without a new escalation', async () => {
    const s = setup();
    const id = await s.open();
    const stored = s.tickets.stored.get(id)!;
    stored.escalation = { level: 'director', toPersonId: 'wang.fang', reason: 'by hand', at: T0 };
    await s.fireThrough(id, 'first_response', 'escalate');
    expect(s.clockOf(id, 'first_response').escalatedAt).toBeDefined();
    expect(s.tickets.stored.get(id)!.escalation).toMatchObject({ level: 'director', reason: 'by hand' });
  });

  it("a resolved ticket's return visit, unanswered past 150 %, reaches its escalation without failing", async () => {
    // Return visit: 24 h from the resolution; escalation due at 36 h.
    const s = setup();
    const id = await s.open();
    await s.act(id, { kind: 'claim' });
    await s.act(id, { kind: 'resolve', summary: 'fixed' });
    await s.fireThrough(id, 'return_visit', 'breach');
    await expect(s.fireThrough(id, 'return_visit', 'escalate')).resolves.toBeUndefined();
    expect(s.clockOf(id, 'return_visit').escalatedAt).toBeDefined();
    // A resolved ticket is not escalated; the owner's supervisor is asked to follow up instead.
    const t = s.tickets.stored.get(id)!;
    expect([t.state, t.escalation]).toEqual(['resolved', undefined]);
    expect([...s.sent.values()].filter((n) => n.message === 'clock.follow_up').map((n) => [n.to, n.params.clock])).toEqual([[{ person: 'chen.jing' }, 'return_visit']]);
  });

  it("a closed level-1 incident's post-incident review reaches its escalation without failing", async () => {
    const s = setup();
    const id = await s.open({ type: 'incident', incidentLevel: 1 });
    await s.act(id, { kind: 'claim' });
    await s.act(id, { kind: 'resolve' });
    await s.act(id, { kind: 'close' });
    const review = s.clockOf(id, 'post_incident_review');
    expect(review.targetMs).toBe(72 * HOUR);
    await expect(s.fireThrough(id, 'post_incident_review', 'escalate')).resolves.toBeUndefined();
  });
});

describe('sweep and outages', () => {
  it('sweep fires what is due across tickets, one milestone per clock per pass, and nothing twice', async () => {
    const s = setup();
    const a = await s.open();
    const b = await s.open({ type: 'complaint' });
    s.clock.set(new Date(T0.getTime() + 2 * HOUR));
    const passes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const [x, y] = await Promise.all([s.service.sweep(), s.service.sweep()]);
      passes.push(x + y);
      if (x + y === 0) break;
    }
    expect(passes.at(-1)).toBe(0);
    // Caught up at 2 h: first response (1 min) is reminded, breached and escalated (150 % is long past) at once;
    // re-nags count from the breach just sent, so the first comes 30 min later — no burst of missed re-nags.
    expect(s.clockOf(a, 'first_response')).toMatchObject({ renags: 0, breachedAt: s.clock.now(), next: { kind: 'renag', at: new Date(T0.getTime() + 150 * 60_000) } });
    expect(s.clockOf(a, 'first_response').escalatedAt).toBeDefined();
    // Complaint contact (1 h) is past its escalation at 90 min.
    expect(s.clockOf(b, 'complaint_contact').escalatedAt).toBeDefined();
    const keys = [...s.sent.keys()];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('one ticket whose milestone cannot fire does not stop the sweep for the others', async () => {
    const s = setup();
    // A resolved ticket whose return visit is past its escalation point (36 h)…
    const stuck = await s.open();
    await s.act(stuck, { kind: 'claim' });
    await s.act(stuck, { kind: 'resolve' });
    while (s.clockOf(stuck, 'return_visit').next!.kind !== 'escalate') await s.fireThrough(stuck, 'return_visit', s.clockOf(stuck, 'return_visit').next!.kind);
    // …and an ordinary ticket opened later, whose first-response reminder is due.
    s.clock.set(new Date(T0.getTime() + 40 * HOUR));
    const other = await s.open();
    s.clock.set(new Date(T0.getTime() + 41 * HOUR));
    let outcome: unknown;
    try {
      outcome = await s.service.sweep();
    } catch (err) {
      outcome = (err as Error).message;
    }
    expect(typeof outcome).toBe('number');
    expect(s.clockOf(other, 'first_response').remindedAt).toBeDefined();
  });

  it('an outage pauses every active ticket and resumes them at its end', async () => {
    const s = setup();
    const id = await s.open();
    s.clock.set(new Date(T0.getTime() + 10_000));
    expect(await s.service.outage('start')).toBe(1);
    expect(s.clockOf(id, 'resolution')).toMatchObject({ status: 'paused', pausedReasons: ['outage'], usedMs: 10_000 });
    s.clock.set(new Date(T0.getTime() + HOUR));
    expect(await s.service.outage('end')).toBe(1);
    expect(s.clockOf(id, 'resolution')).toMatchObject({ status: 'running', usedMs: 10_000 });
  });
});
