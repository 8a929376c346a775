// A ticket and everything that happened to it (POLICY.md §1).
import type { Platform } from '../core/platform.js';
import type { ClockState } from '../sla/clock.js';

export const TICKET_TYPES = ['inquiry', 'request', 'complaint', 'incident'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TIERS = ['vip', 'standard', 'prospect'] as const;
export type Tier = (typeof TIERS)[number];

export const COMPLEXITIES = ['simple', 'complex'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];

export const CHANNELS = ['chat', 'phone', 'email', 'web', 'walk-in'] as const;
export type Channel = (typeof CHANNELS)[number];

export const INCIDENT_LEVELS = [1, 2, 3, 4] as const;
export type IncidentLevel = (typeof INCIDENT_LEVELS)[number];

export const TICKET_STATES = ['open', 'claimed', 'pending_handoff', 'waiting_on_customer', 'resolved', 'closed'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

/** Escalation levels, one step per manual or automatic escalation (POLICY.md §3). */
export const ESCALATION_LEVELS = ['agent', 'supervisor', 'manager', 'director'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export interface PendingHandoff {
  fromDepartmentId: string;
  toDepartmentId: string;
  requestedBy: string;
  requestedAt: Date;
  note?: string;
  /** State to return to when the handoff is declined. */
  returnState: 'open' | 'claimed';
}

export interface Escalation {
  level: EscalationLevel;
  /** The person now responsible; they must claim or delegate (nothing is reassigned silently). */
  toPersonId?: string;
  reason: string;
  at: Date;
}

/** How a change reached the bot, kept on the timeline as evidence. */
export interface ChangeSource {
  platform: Platform | 'system';
  via: 'command' | 'button' | 'mention' | 'message' | 'job' | 'api';
  messageLink?: string;
  deliveryId?: string;
}

export interface TimelineEvent {
  at: Date;
  /** Person id, or `system` for jobs. */
  actorId: string;
  kind: TicketEventKind;
  from?: TicketState;
  to?: TicketState;
  /** Event-specific facts (reason, note text, target department…). */
  details: Record<string, string | number | boolean>;
  source: ChangeSource;
}

export interface Ticket {
  id: string;
  number: number;
  title: string;
  description?: string;
  type: TicketType;
  priority: Priority;
  tier: Tier;
  complexity: Complexity;
  incidentLevel?: IncidentLevel;
  channel: Channel;
  /** The customer's name as shown on the ticket (the directory's name once linked). */
  customer?: string;
  /** The directory customer (`C-12`) the ticket is linked to; its tier follows that customer's. */
  customerId?: string;
  state: TicketState;
  departmentId: string;
  ownerId?: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  firstResponseAt?: Date;
  resolvedAt?: Date;
  closedAt?: Date;
  resolution?: string;
  escalation?: Escalation;
  pendingHandoff?: PendingHandoff;
  /** State to return to when the customer answers. */
  resumeState?: 'open' | 'claimed';
  satisfaction?: number;
  /** Set by the SLA clocks when a clock breaches; cleared when none is overdue. */
  overdueSince?: Date;
  /** The ticket's SLA clocks (POLICY.md §2), saved with every change of the ticket. */
  clocks?: ClockState[];
  /** Notices saved with a clock milestone and not yet handed to the notification store (an outbox in the ticket). */
  pendingNotices?: Array<{ to: { person: string } | { departmentQueue: string } | { group: 'emergency' }; message: string; params: Record<string, string | number>; dedupeKey?: string }>;
  confidential: boolean;
  /** Optimistic-concurrency version: a save succeeds only if nobody saved in between. */
  version: number;
  timeline: TimelineEvent[];
}

export type TicketEvent =
  | { kind: 'claim' }
  | { kind: 'assign'; personId: string }
  | { kind: 'note'; text: string }
  | { kind: 'wait' }
  | { kind: 'resume' }
  | { kind: 'resolve'; summary?: string }
  | { kind: 'close' }
  | { kind: 'reopen'; reason?: string }
  | { kind: 'escalate'; reason: string; level: EscalationLevel; toPersonId?: string }
  | { kind: 'handoff'; toDepartmentId: string; note?: string }
  | { kind: 'accept' }
  | { kind: 'decline'; reason: string }
  | { kind: 'followup'; score: number; comment?: string }
  | { kind: 'contact'; text?: string }
  | { kind: 'review'; text: string }
  | { kind: 'classify'; changes: Partial<Pick<Ticket, 'type' | 'priority' | 'tier' | 'complexity' | 'incidentLevel'>> }
  /** The linked customer changed: its tier (the ticket follows it) or a merge into another customer. */
  | { kind: 'customer'; customerId: string; customer: string; tier?: Tier; reason: CustomerChangeReason; mergedFrom?: string };

/** Why a ticket's customer link changed. */
export type CustomerChangeReason = 'customer_tier' | 'customer_merge';

export type TicketEventKind = TicketEvent['kind'] | 'open';

export interface OpenTicketInput {
  title: string;
  description?: string;
  type?: TicketType;
  priority?: Priority;
  tier?: Tier;
  complexity?: Complexity;
  incidentLevel?: IncidentLevel;
  channel?: Channel;
  customer?: string;
  /** The directory customer the ticket is linked to. */
  customerId?: string;
  /** That customer's tier; a different `tier` is recorded on the timeline as an override. */
  customerTier?: Tier;
  departmentId: string;
  confidential?: boolean;
}
