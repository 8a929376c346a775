// The retention run (POLICY.md §7): closed tickets are kept 3 years after
// closing (5 where an admin flagged them; both from the policy's `records`),
// then anonymised with their penalties, appeals and case-library copies. Safe to run any number of times: what is done is
// marked, what is not yet due is left alone, a ticket changed meanwhile waits
// for the next run.
import type { Clock } from '../core/clock.js';
import type { MongoRecordsRepository, RetentionFlag } from '../storage/records.repository.js';
import { anonymiseTicket, dueAt } from './anonymise.js';

export interface RetentionYears {
  /** Years kept after closing (policy records.retainYears, default 3). */
  retainYears: number;
  /** Years kept when flagged (policy records.flaggedRetainYears, default 5). */
  flaggedRetainYears: number;
}

export interface RetentionResult {
  /** Closed tickets old enough for the default period. */
  checked: number;
  anonymised: number;
  /** Flagged tickets past the default period but not yet the flagged one. */
  keptByFlag: number;
  penalties: number;
  appeals: number;
  /** Case-library copies of the anonymised tickets. */
  cases: number;
}

export class RetentionError extends Error {}

export class RetentionService {
  constructor(private readonly deps: { records: MongoRecordsRepository; clock: Clock; years: RetentionYears }) {}

  async run(now = this.deps.clock.now()): Promise<RetentionResult> {
    const cutoff = new Date(now);
    const { retainYears } = this.deps.years;
    cutoff.setUTCFullYear(cutoff.getUTCFullYear() - retainYears);
    const candidates = await this.deps.records.closedBefore(cutoff);
    const years = await this.deps.records.flaggedYears(candidates.map((c) => c.id));
    const result: RetentionResult = { checked: candidates.length, anonymised: 0, keptByFlag: 0, penalties: 0, appeals: 0, cases: 0 };
    for (const c of candidates) {
      const keep = Math.max(retainYears, years.get(c.id) ?? retainYears);
      if (dueAt(c.closedAt, keep) > now) {
        result.keptByFlag += 1;
        continue;
      }
      const ticket = await this.deps.records.ticket(c.id);
      if (!ticket || ticket.state !== 'closed') continue;
      // Linked records first: after a crash in between, the ticket is still due and the next run finishes it.
      const linked = await this.deps.records.anonymiseLinked(ticket.id, now);
      if (!(await this.deps.records.replaceTicket(anonymiseTicket(ticket, now), ticket.version))) continue;
      result.anonymised += 1;
      result.penalties += linked.penalties;
      result.appeals += linked.appeals;
      result.cases += linked.cases;
    }
    return result;
  }

  /** Keeps a ticket the flagged period after closing (`extended: false` returns it to the default). */
  async flag(ticketId: string, input: { extended: boolean; by: string; reason: string }): Promise<RetentionFlag | undefined> {
    const ticket = await this.deps.records.ticket(ticketId);
    if (!ticket) throw new RetentionError(`no ticket ${ticketId}`);
    if ((ticket as { anonymisedAt?: Date }).anonymisedAt) throw new RetentionError(`${ticketId} was already anonymised; its retention can no longer change`);
    if (!input.extended) {
      await this.deps.records.clearFlag(ticketId);
      return undefined;
    }
    const flag: RetentionFlag = { ticketId, years: this.deps.years.flaggedRetainYears, by: input.by, at: this.deps.clock.now(), reason: input.reason };
    await this.deps.records.setFlag(flag);
    return flag;
  }

  async status(ticketId: string): Promise<{ ticketId: string; years: number; flag?: RetentionFlag; dueAt?: Date; anonymisedAt?: Date } | undefined> {
    const ticket = await this.deps.records.ticket(ticketId);
    if (!ticket) return undefined;
    const flag = await this.deps.records.flag(ticketId);
    const years = flag ? Math.max(flag.years, this.deps.years.flaggedRetainYears) : this.deps.years.retainYears;
    const anonymisedAt = (ticket as { anonymisedAt?: Date }).anonymisedAt;
    return { ticketId, years, ...(flag ? { flag } : {}), ...(ticket.closedAt ? { dueAt: dueAt(new Date(ticket.closedAt), years) } : {}), ...(anonymisedAt ? { anonymisedAt } : {}) };
  }
}
