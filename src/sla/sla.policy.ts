// The SLA policy as the rest of Duban uses it: which target each clock has for
// a ticket, when to remind and escalate, how breaches are graded and punished,
// appeals, retraining, scorecards and record keeping. DEFAULT_POLICY is
// POLICY.md; a deployment overrides parts of it in POLICY_FILE
// (src/config/policy.loader.ts). Pure types, defaults and lookups: no I/O.
import type { Locale } from '../core/platform.js';
import type { ClockName } from '../tickets/ticket.machine.js';
import type { Channel, Complexity, IncidentLevel, Priority, TicketType, Tier } from '../tickets/ticket.types.js';
import { formatDuration, parseDuration } from './duration.js';
import type { CalendarSpec, Duration } from './sla.types.js';

export type Basis = Duration['basis'];
export type OneOrMany<T> = T | readonly T[];

/** Ticket facts a rule can look at. */
export interface TicketAttrs {
  type: TicketType;
  priority: Priority;
  tier: Tier;
  complexity: Complexity;
  channel: Channel;
  incidentLevel?: IncidentLevel;
}

/** Every key given must match (a list matches any of its values); no keys match every ticket. */
export interface RuleCondition {
  type?: OneOrMany<TicketType>;
  priority?: OneOrMany<Priority>;
  tier?: OneOrMany<Tier>;
  complexity?: OneOrMany<Complexity>;
  channel?: OneOrMany<Channel>;
  incidentLevel?: OneOrMany<IncidentLevel>;
}

export interface ClockRule {
  when?: RuleCondition;
  target: Duration;
}

export interface ClockPolicy {
  /** Basis of targets that do not say "working" or "calendar". */
  basis: Basis;
  /** First matching rule wins; no match (or no rules) means the clock does not run for that ticket. */
  rules: ClockRule[];
}

export type Grade = 'minor' | 'moderate' | 'severe';
export const GRADES: readonly Grade[] = ['minor', 'moderate', 'severe'];

export interface Consequence {
  warning: 'verbal' | 'written';
  /** Performance points deducted. */
  points: number;
  /** A fine instead of / on top of points, when the deployment configures one. */
  fine?: number;
  /** Flag to HR for review of the post (岗位调整). */
  hrReview?: boolean;
}

export interface SlaPolicy {
  clocks: Record<ClockName, ClockPolicy>;
  /** Fractions of the target: remind at `at`, escalate at `escalateAt`; re-nag every `renagEvery` while overdue. */
  reminders: { at: number; renagEvery: Duration; maxRenags: number; escalateAt: number };
  /** Overrun fractions (0.25 = 25 % over the target); `severeAlways` tickets are severe on any breach. */
  grades: { minorUpTo: number; moderateUpTo: number; severeAlways: RuleCondition[] };
  consequences: Record<Grade, Consequence>;
  jointLiability: { supervisorGradeDrop: number; inactionWindow: Duration };
  appeals: { window: Duration; reviewerReminder: Duration; escalateAfter: Duration };
  retraining: { threshold: number; windowDays: number; minGrade: Grade };
  scorecard: { quality: number; efficiency: number; satisfaction: number };
  records: { retainYears: number; flaggedRetainYears: number; accessLogYears: number };
  /** `calendars:` of the policy file by id (checked by src/sla/calendar/calendar.schema.ts); built-ins live in the CalendarRegistry. */
  calendars: Record<string, CalendarSpec>;
}

const rule = (basis: Basis, target: string, when?: RuleCondition): ClockRule => ({
  ...(when && { when }),
  target: parseDuration(target, basis),
});

function clock(basis: Basis, rules: Array<[string, RuleCondition?]>): ClockPolicy {
  return { basis, rules: rules.map(([target, when]) => rule(basis, target, when)) };
}

/** POLICY.md, every number. VIP variants come before the general rule they halve. */
export const DEFAULT_POLICY: SlaPolicy = {
  clocks: {
    first_response: clock('working', [
      ['1min', { channel: 'chat' }],
      ['15min', { tier: 'vip' }],
      ['30min', { tier: 'standard' }],
      ['4h', { tier: 'prospect' }],
    ]),
    classification: clock('working', [['5min']]),
    complaint_contact: clock('calendar', [['1h', { type: 'complaint' }]]),
    resolution: clock('calendar', [
      ['12h', { type: 'complaint', tier: 'vip' }],
      ['24h', { type: 'complaint' }],
      ['1.5 working days', { complexity: 'complex', tier: 'vip' }],
      ['3 working days', { complexity: 'complex' }],
      ['12h', { complexity: 'simple', tier: 'vip' }],
      ['24h', { complexity: 'simple' }],
    ]),
    handoff_acceptance: clock('working', [['30min']]),
    department_opinion: clock('working', [['2 working days']]),
    return_visit: clock('calendar', [['24h']]),
    incident_response: clock('calendar', [
      ['5min', { type: 'incident', incidentLevel: 1 }],
      ['15min', { type: 'incident', incidentLevel: 2 }],
      ['30min', { type: 'incident', incidentLevel: 3 }],
      ['2h', { type: 'incident', incidentLevel: 4 }],
    ]),
    post_incident_review: clock('working', [['3 working days', { type: 'incident', incidentLevel: [1, 2] }]]),
  },
  reminders: { at: 0.8, renagEvery: parseDuration('30 working min', 'working'), maxRenags: 8, escalateAt: 1.5 },
  grades: {
    minorUpTo: 0.25,
    moderateUpTo: 1.0,
    severeAlways: [
      { type: 'complaint', tier: 'vip' },
      { type: 'incident', incidentLevel: [1, 2] },
    ],
  },
  consequences: {
    minor: { warning: 'verbal', points: 0 },
    moderate: { warning: 'written', points: 2 },
    severe: { warning: 'written', points: 5, hrReview: true },
  },
  jointLiability: { supervisorGradeDrop: 1, inactionWindow: parseDuration('1 working hour', 'working') },
  appeals: {
    window: parseDuration('5 working days', 'working'),
    reviewerReminder: parseDuration('2 working days', 'working'),
    escalateAfter: parseDuration('5 working days', 'working'),
  },
  retraining: { threshold: 3, windowDays: 30, minGrade: 'moderate' },
  scorecard: { quality: 0.4, efficiency: 0.3, satisfaction: 0.3 },
  records: { retainYears: 3, flaggedRetainYears: 5, accessLogYears: 5 },
  calendars: {},
};

const CONDITION_KEYS = ['type', 'incidentLevel', 'complexity', 'tier', 'channel', 'priority'] as const;

const asList = <T>(v: OneOrMany<T>): readonly T[] => (Array.isArray(v) ? v : [v as T]);

/** True when every key of the condition matches the ticket. */
export function matches(when: RuleCondition | undefined, ticket: TicketAttrs): boolean {
  if (!when) return true;
  return CONDITION_KEYS.every((key) => {
    const wanted = when[key];
    if (wanted === undefined) return true;
    const actual = ticket[key];
    return actual !== undefined && (asList(wanted) as readonly unknown[]).includes(actual);
  });
}

/** Stable id of a rule for users: `resolution#3` is the third rule under clocks.resolution.rules (counting from 1). */
export function ruleIdOf(clockName: ClockName, ruleIndex: number): string {
  return `${clockName}#${ruleIndex + 1}`;
}

const WORDS: Record<Locale, { clocks: Record<ClockName, string>; values: Record<string, string>; level: (n: string) => string; always: string }> = {
  en: {
    clocks: {
      first_response: 'first response', classification: 'classification', complaint_contact: 'complaint contact',
      resolution: 'resolution', handoff_acceptance: 'handoff acceptance', department_opinion: 'department opinion',
      return_visit: 'return visit', incident_response: 'incident response', post_incident_review: 'post-incident review',
    },
    values: { vip: 'VIP', standard: 'standard customer', prospect: 'prospect', chat: 'chat channel', phone: 'phone', email: 'email', web: 'web', 'walk-in': 'walk-in' },
    level: (n) => `level ${n}`,
    always: 'all tickets',
  },
  'zh-CN': {
    clocks: {
      first_response: '首次响应', classification: '分类', complaint_contact: '投诉联系', resolution: '解决',
      handoff_acceptance: '跨部门接收', department_opinion: '部门意见', return_visit: '回访',
      incident_response: '应急响应', post_incident_review: '复盘报告',
    },
    values: {
      inquiry: '咨询', request: '服务需求', complaint: '投诉', incident: '应急事件', simple: '简单', complex: '复杂',
      vip: '重要客户', standard: '一般客户', prospect: '潜在客户', chat: '聊天渠道', phone: '电话', email: '邮件', web: '网页', 'walk-in': '现场',
    },
    level: (n) => `${n}级`,
    always: '所有工单',
  },
};

/** The condition in words: `complex, VIP`, `incident, level 1/2` / `复杂、重要客户`. */
export function describeCondition(when: RuleCondition | undefined, locale: Locale = 'en'): string {
  const w = WORDS[locale];
  const parts: string[] = [];
  for (const key of CONDITION_KEYS) {
    const wanted = when?.[key];
    if (wanted === undefined) continue;
    const values = (asList(wanted) as readonly (string | number)[]).map((v) => w.values[String(v)] ?? String(v));
    parts.push(key === 'incidentLevel' ? w.level(values.join('/')) : values.join('/'));
  }
  return parts.length ? parts.join(locale === 'zh-CN' ? '、' : ', ') : w.always;
}

/** `resolution: complex, VIP → 1.5 working days`; a rule without conditions: `classification → 5 min (working time)`. */
export function describeRule(clockName: ClockName, rule: ClockRule, locale: Locale = 'en'): string {
  const name = WORDS[locale].clocks[clockName];
  const colon = locale === 'zh-CN' ? '：' : ': ';
  const cond = rule.when && CONDITION_KEYS.some((k) => rule.when?.[k] !== undefined) ? `${colon}${describeCondition(rule.when, locale)}` : '';
  return `${name}${cond} → ${formatDuration(rule.target, locale)}`;
}

export interface TargetMatch {
  target: Duration;
  ruleIndex: number;
  /** `resolution#3`: what users see in reminders and penalties. */
  ruleId: string;
  /** `resolution: complex, VIP → 1.5 working days` (English; describeRule for other locales). */
  ruleText: string;
}

/** The target of `clock` for this ticket: the first matching rule, or null when the clock does not run for it. */
export function targetFor(policy: SlaPolicy, clockName: ClockName, ticket: TicketAttrs): TargetMatch | null {
  const rules = policy.clocks[clockName]?.rules ?? [];
  const ruleIndex = rules.findIndex((r) => matches(r.when, ticket));
  if (ruleIndex < 0) return null;
  const found = rules[ruleIndex];
  return { target: found.target, ruleIndex, ruleId: ruleIdOf(clockName, ruleIndex), ruleText: describeRule(clockName, found) };
}

/** True when a breach on this ticket is severe whatever the overrun (VIP complaints, level 1–2 incidents by default). */
export function alwaysSevere(policy: SlaPolicy, ticket: TicketAttrs): boolean {
  return policy.grades.severeAlways.some((cond) => matches(cond, ticket));
}
