// Keeps the penalty ledger in step with the clocks. After every save of a
// ticket, each breached clock is graded and its charges recorded: a new record
// the first time, a raised grade when the clock ran further. Records are
// unique per (ticket, clock run, person) and grades only rise on their own, so
// running this twice, late or out of order leaves the same ledger.
import type { Clock } from '../core/clock.js';
import type { OrgView } from '../org/org.types.js';
import type { Notice } from '../notifications/notification.types.js';
import { durationMs, usedAt, type ClockState } from '../sla/clock.js';
import type { ClockKeeper } from '../sla/clock-keeper.js';
import type { Ticket } from '../tickets/ticket.types.js';
import { decideCharges, standingAt, supervisorOf, type Charge } from './attribution.js';
import { gradeRank, lowerGrade } from './grading.js';
import type { PenaltyRepository, RetrainingRepository } from './ports.js';
import { retrainingTrigger } from './retraining.js';
import type { Penalty } from './penalty.types.js';

export interface AccountabilityDeps {
  penalties: PenaltyRepository & RetrainingRepository;
  keeper: ClockKeeper;
  org: OrgView;
  clock: Clock;
  notices: { deliver(ticket: Ticket, notices: Notice[], actorId?: string): Promise<void> };
}

export function penaltyKey(ticketId: string, clock: ClockState, personId: string): string {
  return `${ticketId}:${clock.name}:${clock.startedAt.getTime()}:${personId}`;
}

export class AccountabilityService {
  constructor(private readonly deps: AccountabilityDeps) {}

  /** Records or raises the penalties for every breached clock of the ticket. */
  async reconcile(ticket: Ticket): Promise<void> {
    for (const clock of ticket.clocks ?? []) {
      if (!clock.breachedAt) continue;
      const now = this.deps.clock.now();
      const used = usedAt(clock, clock.stoppedAt ?? now, this.deps.keeper.calendarById(clock.calendarId));
      const overrun = Math.max(0, used / clock.targetMs - 1);
      const decision = decideCharges(ticket, clock, overrun, this.deps.keeper.policy, this.deps.org, this.supervisorIdle(ticket, clock, now));
      if (decision.kind === 'exempt') {
        if (decision.leadId) await this.tellLeadOfExemption(ticket, clock, decision.departmentId, decision.leadId);
        continue;
      }
      for (const charge of decision.charges) {
        const joint = charge.jointWith ? await this.followPrimary(ticket, clock, charge) : charge;
        if (joint) await this.record(ticket, clock, joint, used, overrun);
      }
    }
  }

  /**
   * A joint charge follows the penalty it comes from: none once that one is revoked on
   * appeal, and never more than one grade below it when it was reduced.
   */
  private async followPrimary(ticket: Ticket, clock: ClockState, charge: Charge): Promise<Charge | undefined> {
    const primary = await this.deps.penalties.byKey(penaltyKey(ticket.id, clock, charge.jointWith!));
    if (!primary) return charge;
    if (primary.status === 'revoked') return undefined;
    const cap = lowerGrade(primary.grade, this.deps.keeper.policy.jointLiability.supervisorGradeDrop);
    if (!cap) return undefined;
    return gradeRank(charge.grade) > gradeRank(cap) ? { ...charge, grade: cap } : charge;
  }

  /**
   * True once the inaction window after the breach has passed in working time and the
   * supervisor told of it did nothing on the ticket in that window (POLICY.md §4).
   */
  private supervisorIdle(ticket: Ticket, clock: ClockState, now: Date): boolean {
    const breachedAt = clock.breachedAt!;
    const standing = standingAt(ticket, breachedAt);
    const owner = standing.ownerId ? this.deps.org.person(standing.ownerId) : undefined;
    const supervisorId = owner?.supervisorId ?? this.deps.org.department(standing.departmentId)?.leadId;
    if (!supervisorId || supervisorId === standing.ownerId) return false;
    const calendar = this.deps.keeper.calendarById(clock.calendarId);
    const window = durationMs(this.deps.keeper.policy.jointLiability.inactionWindow, calendar);
    const windowEnd = this.deps.keeper.policy.jointLiability.inactionWindow.basis === 'working' ? calendar.addWorkingTime(breachedAt, window) : new Date(breachedAt.getTime() + window);
    if (now < windowEnd) return false;
    return !ticket.timeline.some((e) => e.actorId === supervisorId && e.at >= breachedAt && e.at <= windowEnd);
  }

  private async record(ticket: Ticket, clock: ClockState, charge: Charge, used: number, overrun: number): Promise<void> {
    const { penalties } = this.deps;
    const now = this.deps.clock.now();
    const key = penaltyKey(ticket.id, clock, charge.personId);
    const consequence = this.deps.keeper.policy.consequences[charge.grade];
    const draft: Penalty = {
      id: '',
      key,
      ticketId: ticket.id,
      clock: clock.name,
      clockStartedAt: clock.startedAt,
      personId: charge.personId,
      departmentId: charge.departmentId,
      role: charge.role,
      basis: charge.basis,
      jointWith: charge.jointWith,
      ruleId: clock.ruleId,
      ruleText: clock.targetText,
      ruleTextZh: clock.targetTextZh,
      targetMs: clock.targetMs,
      actualMs: used,
      overrun,
      grade: charge.grade,
      consequence,
      status: 'active',
      counts: true,
      breachedAt: clock.breachedAt!,
      history: [{ at: now, event: 'recorded', grade: charge.grade, by: 'system' }],
      createdAt: now,
      updatedAt: now,
    };
    // Look first, so a re-run does not use up a penalty number.
    const found = await penalties.byKey(key);
    const existing = found ? { created: false, penalty: found } : await penalties.insertIfAbsent({ ...draft, id: `P-${await penalties.nextNumber()}` });
    if (existing.created) return this.announce(ticket, existing.penalty, 'recorded');
    if (gradeRank(charge.grade) <= gradeRank(existing.penalty.grade)) return;
    const raised = await penalties.raiseGrade(key, charge.grade, { actualMs: used, overrun, consequence }, { at: now, event: 'regraded', grade: charge.grade, by: 'system' });
    if (raised) await this.announce(ticket, raised, 'regraded');
  }

  /** Nobody is penalised silently: the person, their supervisor and the department lead are told. */
  private async announce(ticket: Ticket, penalty: Penalty, event: 'recorded' | 'regraded'): Promise<void> {
    const params = {
      penaltyId: penalty.id,
      ticketId: ticket.id,
      title: ticket.title,
      clock: penalty.clock,
      grade: penalty.grade,
      rule: penalty.ruleText,
      rule_zh: penalty.ruleTextZh ?? penalty.ruleText,
      target: penalty.targetMs,
      over: Math.max(0, penalty.actualMs - penalty.targetMs),
      warning: penalty.consequence.warning,
      points: penalty.consequence.points,
      hr: penalty.consequence.hrReview ? 'yes' : 'no',
      person: penalty.personId,
      basis: penalty.basis,
      jointWith: penalty.jointWith ?? '',
    };
    const base = `penalty:${penalty.key}:${penalty.grade}`;
    const notices: Notice[] = [
      { to: { person: penalty.personId }, message: event === 'recorded' ? 'penalty.recorded' : 'penalty.regraded', params, dedupeKey: `${base}:person` },
    ];
    const supervisor = supervisorOf(penalty, this.deps.org);
    if (supervisor && supervisor !== penalty.personId) notices.push({ to: { person: supervisor }, message: 'penalty.notice_supervisor', params, dedupeKey: `${base}:supervisor` });
    const lead = this.deps.org.department(penalty.departmentId)?.leadId;
    if (lead && lead !== penalty.personId && lead !== supervisor) notices.push({ to: { person: lead }, message: 'penalty.notice_lead', params, dedupeKey: `${base}:lead` });
    await this.deps.notices.deliver(ticket, notices);
    await this.checkRetraining(ticket, penalty.personId);
  }

  /** Three moderate-or-worse penalties in 30 days: a retraining assignment, the supervisor told. */
  private async checkRetraining(ticket: Ticket, personId: string): Promise<void> {
    const { penalties } = this.deps;
    const now = this.deps.clock.now();
    const trigger = retrainingTrigger(await penalties.forPeople([personId], 200), now, this.deps.keeper.policy);
    if (!trigger || (await penalties.openRetrainingFor(personId))) return;
    const opened = await penalties.openRetraining({
      id: `R-${await penalties.nextRetrainingNumber()}`,
      personId,
      penaltyIds: trigger.map((p) => p.id),
      status: 'open',
      createdAt: now,
    });
    if (!opened.created) return;
    const r = opened.retraining;
    const params = { retrainingId: r.id, person: personId, penalties: r.penaltyIds.join(', '), count: r.penaltyIds.length };
    const supervisor = this.deps.org.person(personId)?.supervisorId ?? this.deps.org.department(ticket.departmentId)?.leadId;
    const notices: Notice[] = [{ to: { person: personId }, message: 'retraining.assigned', params, dedupeKey: `retraining:${r.id}:person` }];
    if (supervisor) notices.push({ to: { person: supervisor }, message: 'retraining.assigned_supervisor', params, dedupeKey: `retraining:${r.id}:supervisor` });
    await this.deps.notices.deliver(ticket, notices);
  }

  private async tellLeadOfExemption(ticket: Ticket, clock: ClockState, departmentId: string, leadId: string): Promise<void> {
    const notice: Notice = {
      to: { person: leadId },
      message: 'penalty.exempt_nobody_on_duty',
      params: { ticketId: ticket.id, title: ticket.title, clock: clock.name, department: departmentId },
      dedupeKey: `exempt:${ticket.id}:${clock.name}:${clock.startedAt.getTime()}`,
    };
    await this.deps.notices.deliver(ticket, [notice]);
  }
}
