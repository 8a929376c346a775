// Appeals (POLICY.md §5): the penalised person appeals within the window; an
// independent reviewer — never the appellant, their supervisor, or anyone on
// the ticket — is drawn with the load spread evenly, and decides uphold,
// reduce or revoke. The penalty keeps its whole history.
import type { Clock } from '../core/clock.js';
import { CodedError } from '../core/errors.js';
import type { OrgView, Person } from '../org/org.types.js';
import type { Notice } from '../notifications/notification.types.js';
import { durationMs } from '../sla/clock.js';
import type { ClockKeeper } from '../sla/clock-keeper.js';
import type { TicketRepository } from '../tickets/ports.js';
import type { Ticket } from '../tickets/ticket.types.js';
import type { Appeal, AppealDecision } from './appeal.types.js';
import type { Duration } from '../sla/sla.types.js';
import { gradeRank, lowerGrade } from './grading.js';
import type { AppealRepository, PenaltyRepository } from './ports.js';
import type { Penalty } from './penalty.types.js';

export interface AppealDeps {
  penalties: PenaltyRepository & AppealRepository;
  tickets: TicketRepository;
  keeper: ClockKeeper;
  org: OrgView;
  clock: Clock;
  notices: { deliver(ticket: Ticket, notices: Notice[], actorId?: string): Promise<void> };
  /** Schedules the reviewer's reminder and the escalation to the director. */
  scheduler?: { appealFollowUp(appealId: string, kind: 'remind' | 'escalate', at: Date): Promise<void> };
}

/** Everyone who may not review an appeal on this ticket by this person. */
export function excludedReviewers(appellant: Person | undefined, ticket: Ticket): Set<string> {
  const out = new Set<string>();
  if (appellant) {
    out.add(appellant.id);
    if (appellant.supervisorId) out.add(appellant.supervisorId);
  }
  for (const id of [ticket.ownerId, ticket.createdBy, ticket.escalation?.toPersonId, ...ticket.timeline.map((e) => e.actorId)]) if (id) out.add(id);
  // People named by the timeline were on the ticket too: previous owners, assignees, escalation targets.
  for (const e of ticket.timeline) for (const k of ['assignee', 'previousOwner', 'to']) if (typeof e.details[k] === 'string') out.add(e.details[k] as string);
  return out;
}

/** The eligible reviewer with the fewest open appeals (ties broken by id, so the choice is stable). */
export function chooseReviewer(candidates: Person[], excluded: Set<string>, openCounts: Record<string, number>): Person | undefined {
  return candidates
    .filter((p) => !excluded.has(p.id))
    .sort((a, b) => (openCounts[a.id] ?? 0) - (openCounts[b.id] ?? 0) || a.id.localeCompare(b.id))[0];
}

export class AppealService {
  constructor(private readonly deps: AppealDeps) {}

  async file(appellant: Person, penaltyId: string, reason: string): Promise<{ appeal: Appeal; penalty: Penalty }> {
    const { penalties, org } = this.deps;
    const penalty = await penalties.get(penaltyId);
    if (!penalty || penalty.personId !== appellant.id) throw new CodedError('penalty.not_found', { id: penaltyId });
    if (penalty.status !== 'active') throw new CodedError('appeal.not_open', { id: penalty.id, status: penalty.status });
    const now = this.deps.clock.now();
    if (!this.withinWindow(penalty, now)) throw new CodedError('appeal.window_closed', { id: penalty.id, window: this.deps.keeper.policy.appeals.window.text });
    const ticket = await this.deps.tickets.get(penalty.ticketId);
    if (!ticket) throw new CodedError('ticket.not_found', { id: penalty.ticketId });
    const reviewers = org.reviewers();
    const reviewer = chooseReviewer(reviewers, excludedReviewers(appellant, ticket), await penalties.openCounts(reviewers.map((r) => r.id)));
    if (!reviewer) throw new CodedError('appeal.no_reviewer');
    const updated = await penalties.update(penalty.id, ['active'], { status: 'appealed' }, { at: now, event: 'appealed', grade: penalty.grade, by: appellant.id, note: reason });
    if (!updated) throw new CodedError('appeal.not_open', { id: penalty.id, status: 'appealed' });
    const appeal: Appeal = {
      id: `A-${await penalties.nextAppealNumber()}`,
      penaltyId: penalty.id,
      ticketId: ticket.id,
      appellantId: appellant.id,
      reviewerId: reviewer.id,
      reason,
      status: 'open',
      createdAt: now,
    };
    await penalties.insertAppeal(appeal);
    const { reviewerReminder, escalateAfter } = this.deps.keeper.policy.appeals;
    await this.deps.scheduler?.appealFollowUp(appeal.id, 'remind', this.after(penalty, now, reviewerReminder));
    await this.deps.scheduler?.appealFollowUp(appeal.id, 'escalate', this.after(penalty, now, escalateAfter));
    const params = { appealId: appeal.id, penaltyId: penalty.id, ticketId: ticket.id, title: ticket.title, person: appellant.id, reason, grade: penalty.grade, clock: penalty.clock };
    await this.deps.notices.deliver(ticket, [
      { to: { person: reviewer.id }, message: 'appeal.assigned', params, dedupeKey: `appeal:${appeal.id}:assigned` },
    ]);
    return { appeal, penalty: updated };
  }

  async decide(reviewer: Person, appealId: string, decision: AppealDecision, note: string | undefined): Promise<{ appeal: Appeal; penalty: Penalty }> {
    const { penalties } = this.deps;
    const appeal = await penalties.getAppeal(appealId);
    if (!appeal) throw new CodedError('appeal.not_found', { id: appealId });
    const penalty = await penalties.get(appeal.penaltyId);
    if (!penalty) throw new CodedError('penalty.not_found', { id: appeal.penaltyId });
    const now = this.deps.clock.now();
    // After the deadline an independent service director may decide in the reviewer's place.
    const late = now.getTime() >= this.after(penalty, appeal.createdAt, this.deps.keeper.policy.appeals.escalateAfter).getTime();
    const ticketForCheck = await this.deps.tickets.get(appeal.ticketId);
    const independent = !!ticketForCheck && !excludedReviewers(this.deps.org.person(appeal.appellantId), ticketForCheck).has(reviewer.id);
    const mayDecide = appeal.reviewerId === reviewer.id || (reviewer.roles.includes('director') && late && independent);
    if (!mayDecide || appeal.appellantId === reviewer.id) throw new CodedError('appeal.not_your_review', { id: appeal.id });
    if (appeal.status !== 'open') throw new CodedError('appeal.already_decided', { id: appeal.id, decision: appeal.decision ?? '' });
    let changes: Partial<Penalty> = { status: 'upheld' };
    if (decision === 'reduce') {
      const grade = lowerGrade(penalty.grade);
      if (!grade) throw new CodedError('appeal.cannot_reduce_minor', { id: penalty.id });
      changes = { status: 'reduced', grade, consequence: this.deps.keeper.policy.consequences[grade] };
    }
    if (decision === 'revoke') changes = { status: 'revoked', counts: false };
    const decided = await penalties.decideAppeal(appeal.id, { status: 'decided', decision, note, decidedAt: now });
    if (!decided) throw new CodedError('appeal.already_decided', { id: appeal.id, decision: '' });
    const event = decision === 'uphold' ? 'upheld' : decision === 'reduce' ? 'reduced' : 'revoked';
    const updated = await penalties.update(penalty.id, ['appealed'], changes, { at: now, event, grade: changes.grade ?? penalty.grade, by: reviewer.id, note });
    if (updated && decision !== 'uphold') await this.followJointPenalties(updated, reviewer.id, now, appeal.id);
    const ticket = await this.deps.tickets.get(appeal.ticketId);
    if (ticket && updated) {
      const params = { appealId: appeal.id, penaltyId: penalty.id, ticketId: ticket.id, title: ticket.title, decision, grade: updated.grade, note: note ?? '', by: reviewer.id };
      await this.deps.notices.deliver(ticket, [{ to: { person: appeal.appellantId }, message: 'appeal.decided', params, dedupeKey: `appeal:${appeal.id}:decided` }]);
    }
    return { appeal: decided, penalty: updated ?? penalty };
  }

  /**
   * A supervisor's joint penalty follows the penalty it came from: revoked with it, or
   * lowered to stay one grade below it (and revoked when there is no grade below).
   */
  private async followJointPenalties(primary: Penalty, by: string, now: Date, appealId: string): Promise<void> {
    for (const joint of await this.deps.penalties.jointsOf(primary)) {
      if (joint.status === 'revoked') continue;
      const note = `follows ${appealId} on ${primary.id}`;
      const grade = primary.status === 'revoked' ? undefined : lowerGrade(primary.grade, this.deps.keeper.policy.jointLiability.supervisorGradeDrop);
      if (!grade) {
        await this.deps.penalties.update(joint.id, ['active', 'appealed', 'upheld', 'reduced'], { status: 'revoked', counts: false }, { at: now, event: 'revoked', grade: joint.grade, by, note });
      } else if (gradeRank(grade) < gradeRank(joint.grade)) {
        await this.deps.penalties.update(joint.id, ['active', 'appealed', 'upheld', 'reduced'], { status: 'reduced', grade, consequence: this.deps.keeper.policy.consequences[grade] }, { at: now, event: 'reduced', grade, by, note });
      }
    }
  }

  /** Reminder after 2 working days, escalation to the service director after 5 (POLICY.md §5); a decided appeal gets neither. */
  async followUp(appealId: string, kind: 'remind' | 'escalate'): Promise<'sent' | 'decided'> {
    const appeal = await this.deps.penalties.getAppeal(appealId);
    if (!appeal || appeal.status !== 'open') return 'decided';
    const ticket = await this.deps.tickets.get(appeal.ticketId);
    if (!ticket) return 'decided';
    const params = { appealId: appeal.id, penaltyId: appeal.penaltyId, ticketId: ticket.id, title: ticket.title, reviewer: appeal.reviewerId, person: appeal.appellantId };
    const notices: Notice[] =
      kind === 'remind'
        ? [{ to: { person: appeal.reviewerId }, message: 'appeal.reminder', params, dedupeKey: `appeal:${appeal.id}:remind` }]
        : this.deps.org
            .directors()
            .filter((d) => !excludedReviewers(this.deps.org.person(appeal.appellantId), ticket).has(d.id))
            .map((d) => ({ to: { person: d.id }, message: 'appeal.escalated', params, dedupeKey: `appeal:${appeal.id}:escalate` }));
    await this.deps.notices.deliver(ticket, notices);
    return 'sent';
  }

  private after(penalty: Penalty, from: Date, duration: Duration): Date {
    const calendar = this.deps.keeper.calendarOf({ departmentId: penalty.departmentId });
    const ms = durationMs(duration, calendar);
    return duration.basis === 'working' ? calendar.addWorkingTime(from, ms) : new Date(from.getTime() + ms);
  }

  private withinWindow(penalty: Penalty, now: Date): boolean {
    const window = this.deps.keeper.policy.appeals.window;
    const calendar = this.deps.keeper.calendarOf({ departmentId: penalty.departmentId });
    const limit = durationMs(window, calendar);
    // The window runs from the last time the grade was set: a penalty raised later can still be appealed.
    const graded = penalty.history.filter((h) => h.event === 'recorded' || h.event === 'regraded').map((h) => h.at.getTime());
    const from = new Date(Math.max(penalty.createdAt.getTime(), ...graded));
    const elapsed = window.basis === 'working' ? calendar.workingTimeBetween(from, now) : now.getTime() - from.getTime();
    return elapsed <= limit;
  }
}
