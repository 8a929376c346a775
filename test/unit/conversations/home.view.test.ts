import { describe, it, expect } from '@jest/globals';
import { ManualClock } from '../../../src/core/clock.js';
import { Directory } from '../../../src/org/directory.js';
import { demoOrgData } from '../../../src/org/demo-org.js';
import type { TicketQuery } from '../../../src/tickets/ports.js';
import type { Ticket } from '../../../src/tickets/ticket.types.js';
import type { Penalty } from '../../../src/accountability/penalty.types.js';
import type { ClockView } from '../../../src/sla/clock-view.js';
import type { CommandServices } from '../../../conversations/command-spec.js';
import { homeCards } from '../../../conversations/render/home.view.js';
import { buildTicket } from '../../doubles/ticket.builder.js';
import { FakePenaltyRepository } from '../../doubles/fake-penalty-repository.js';

const org = new Directory(demoOrgData());
const zhang = org.person('zhang.wei')!;
const HOUR = 3_600_000;

const overdue: ClockView = { name: 'resolution', status: 'overdue', usedMs: 26 * HOUR, targetMs: 24 * HOUR, leftMs: 0, overMs: 2 * HOUR, rule: '24h' };
const running: ClockView = { name: 'first_response', status: 'running', usedMs: HOUR / 2, targetMs: HOUR, leftMs: HOUR / 2, overMs: 0, rule: '1h' };

function penalty(id: string, status: Penalty['status']): Penalty {
  const at = new Date('2025-03-01T10:00:00Z');
  return {
    id,
    key: `T-1:resolution:${id}:zhang.wei`,
    ticketId: 'T-1',
    clock: 'resolution',
    clockStartedAt: at,
    personId: 'zhang.wei',
    departmentId: 'support',
    role: 'owner',
    basis: 'owner',
    ruleId: 'resolution',
    ruleText: 'Resolve within 24 h',
    targetMs: 24 * HOUR,
    actualMs: 26 * HOUR,
    overrun: 2 / 24,
    grade: 'minor',
    consequence: { warning: 'verbal', points: 1 },
    status,
    counts: true,
    breachedAt: at,
    history: [{ at, event: 'recorded', grade: 'minor', by: 'system' }],
    createdAt: at,
    updatedAt: at,
  };
}

async function services(tickets: Ticket[], penalties: Penalty[] = []) {
  const queries: TicketQuery[] = [];
  const ledger = new FakePenaltyRepository();
  for (const p of penalties) await ledger.insertIfAbsent(p);
  const s = {
    org,
    clock: new ManualClock('2025-03-04T09:30:00Z'),
    tickets: {
      async list(_actor: unknown, query: TicketQuery) {
        queries.push(query);
        return tickets.filter((t) => (query.ownerId ? t.ownerId === query.ownerId : !t.ownerId) && query.states!.includes(t.state));
      },
    },
    clocksOf: (t: Ticket) => (t.id === 'T-1' ? [running, overdue] : t.id === 'T-2' ? [running] : []),
    ledger,
  } as unknown as CommandServices;
  return { s, queries };
}

describe('home view cards', () => {
  const mine = [buildTicket({ id: 'T-1', state: 'claimed', title: 'VPN down', priority: 'P1' }), buildTicket({ id: 'T-2', state: 'waiting_on_customer', title: 'Refund' })];
  const queue = [buildTicket({ id: 'T-3', state: 'open', title: 'New one' }), buildTicket({ id: 'T-4', state: 'pending_handoff', title: 'Incoming' })];

  it('shows my open tickets with their most urgent clock, the unclaimed queue with Claim buttons, and my penalties', async () => {
    const { s, queries } = await services([...mine, ...queue], [penalty('P-1', 'active'), penalty('P-2', 'appealed')]);
    const [tickets, unclaimed, penalties] = await homeCards(s, zhang, 'en');

    expect(tickets).toMatchObject({ title: 'My open tickets (2)', tone: 'danger', subject: 'home:mine:zhang.wei' });
    expect(tickets.fields).toEqual([
      { label: 'T-1 · VPN down', value: 'claimed · P1 · 张伟 · ⚠ resolution: overdue by 2 h (target 24 h)', short: false },
      { label: 'T-2 · Refund', value: expect.stringMatching(/^waiting on customer · P3 · 张伟 · first response: 30 min left of 1 h$/), short: false },
    ]);
    expect(tickets.elements.map((e) => [e.type === 'button' && e.actionId, e.type === 'button' && e.values])).toEqual([
      ['show', { id: 'T-1' }],
      ['show', { id: 'T-2' }],
    ]);

    expect(unclaimed.title).toBe('Unclaimed in Customer Service (2)');
    expect(unclaimed.fields.map((f) => f.label)).toEqual(['T-3 · New one', 'T-4 · Incoming']);
    // A pending handoff is accepted on its own card, so only the open ticket gets a Claim button.
    expect(unclaimed.elements).toEqual([{ type: 'button', actionId: 'claim', label: 'Claim T-3', values: { id: 'T-3' }, style: 'primary' }]);

    expect(penalties.title).toBe('My penalties (2)');
    expect(penalties.fields.map((f) => f.value)).toEqual([expect.stringContaining('active'), expect.stringContaining('under appeal')]);
    expect(penalties.context).toContain('/ticket appeal');

    expect(queries).toEqual([
      { ownerId: 'zhang.wei', states: ['open', 'claimed', 'pending_handoff', 'waiting_on_customer'], limit: 10 },
      { departmentIds: ['support'], states: ['open', 'pending_handoff'], unclaimed: true, limit: 10 },
    ]);
  });

  it('says so when a section is empty, in the reader’s language', async () => {
    const { s } = await services([]);
    const cards = await homeCards(s, zhang, 'zh-CN');
    expect(cards.map((c) => c.title)).toEqual(['我的未结工单 (0)', '客户服务部 待认领 (0)', '我的处罚 (0)']);
    expect(cards.map((c) => c.body)).toEqual(['暂无内容。', '暂无内容。', expect.any(String)]);
    expect(cards.every((c) => c.elements.length === 0)).toBe(true);
    expect(cards[2].context).toBeUndefined();
  });
});
