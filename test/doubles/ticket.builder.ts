// Builds a ticket in any state for domain tests: sensible defaults for every
// field, plus whatever the state implies (an owner once claimed, a pending
// handoff while one waits, timestamps once resolved or closed).
import type { ChangeSource, Ticket, TicketState } from '../../src/tickets/ticket.types.js';

export const BUILT_AT = new Date('2025-03-03T09:00:00Z');
export const CONSOLE_SOURCE: ChangeSource = { platform: 'console', via: 'command' };

export type TicketOverrides = Partial<Ticket> & { state?: TicketState };

export function buildTicket(overrides: TicketOverrides = {}): Ticket {
  const state = overrides.state ?? 'open';
  const owned = state !== 'open' && state !== 'pending_handoff';
  const base: Ticket = {
    id: 'T-7',
    number: 7,
    title: 'Printer on fire',
    type: 'inquiry',
    priority: 'P3',
    tier: 'standard',
    complexity: 'simple',
    channel: 'chat',
    state,
    departmentId: 'support',
    createdBy: 'grace.liu',
    createdAt: BUILT_AT,
    updatedAt: BUILT_AT,
    confidential: false,
    version: 3,
    timeline: [{ at: BUILT_AT, actorId: 'grace.liu', kind: 'open', to: 'open', details: {}, source: CONSOLE_SOURCE }],
  };
  if (owned) {
    base.ownerId = 'zhang.wei';
    base.firstResponseAt = BUILT_AT;
  }
  if (state === 'waiting_on_customer') base.resumeState = 'claimed';
  if (state === 'pending_handoff') {
    base.pendingHandoff = {
      fromDepartmentId: 'support',
      toDepartmentId: 'billing',
      requestedBy: 'chen.jing',
      requestedAt: BUILT_AT,
      returnState: 'open',
    };
  }
  if (state === 'resolved' || state === 'closed') {
    base.resolvedAt = BUILT_AT;
    base.resolution = 'replaced the toner';
  }
  if (state === 'closed') base.closedAt = BUILT_AT;
  return { ...base, ...overrides };
}

/** Freezes a ticket all the way down, so any write to the input fails loudly. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
