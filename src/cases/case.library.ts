// The case library's use cases: a resolved ticket with a resolution summary
// becomes a case (and follows its ticket: reopened → withdrawn, re-resolved →
// back with the new summary); owners and leads mark cases typical or exclude
// them; people find similar solved cases, never confidential ones they may
// not see; and the monthly share of resolved tickets that became cases.
import type { Clock } from '../core/clock.js';
import { CodedError } from '../core/errors.js';
import type { OrgView, Person } from '../org/org.types.js';
import { canSee, leadsDepartment } from '../tickets/ticket.authz.js';
import type { Ticket } from '../tickets/ticket.types.js';
import { CaseIndex, type CaseHit } from './case.index.js';
import { textTerms } from './case.terms.js';
import type { CaseMark, CaseRecord, CaseRepository, CaseStanding } from './case.types.js';

/** The rulebook's target share of resolved tickets that become cases. */
export const CASE_SHARE_TARGET = 0.4;

export interface MonthShare {
  month: string;
  resolved: number;
  cases: number;
  /** cases / resolved, or undefined for a month with nothing resolved. */
  share?: number;
}

export interface CaseLibraryDeps {
  repo: CaseRepository;
  org: OrgView;
  clock: Clock;
  /** Months of the statistics are counted in this time zone. */
  timezone?: string;
}

const STANDING: Record<CaseMark, CaseStanding> = { typical: 'typical', exclude: 'excluded', include: 'normal' };

/** The facts of a case that come from its ticket; a save happens only when one of them changed. */
function fromTicket(ticket: Ticket): Omit<CaseRecord, 'id' | 'terms' | 'standing' | 'marks' | 'createdAt' | 'updatedAt'> {
  return {
    title: ticket.title,
    description: ticket.description,
    resolution: ticket.resolution!.trim(),
    type: ticket.type,
    tier: ticket.tier,
    departmentId: ticket.departmentId,
    confidential: ticket.confidential,
    ownerId: ticket.ownerId,
    customerId: ticket.customerId,
    customer: ticket.customer,
    resolvedAt: ticket.resolvedAt ?? ticket.updatedAt,
    withdrawn: false,
  };
}

function sameFacts(a: CaseRecord, b: ReturnType<typeof fromTicket>): boolean {
  const keys = Object.keys(b) as Array<keyof typeof b>;
  return keys.every((k) => (a[k] instanceof Date ? (a[k] as Date).getTime() === (b[k] as Date).getTime() : (a[k] ?? undefined) === (b[k] ?? undefined)));
}

export class CaseLibrary {
  private readonly index: CaseIndex;

  constructor(private readonly deps: CaseLibraryDeps) {
    this.index = new CaseIndex(deps.repo);
  }

  /** Keeps the ticket's case in step with the ticket; runs after every save of a ticket. */
  async follow(ticket: Ticket): Promise<void> {
    const solved = ticket.state === 'resolved' || ticket.state === 'closed';
    if (solved && ticket.resolution?.trim()) {
      const facts = fromTicket(ticket);
      const existing = await this.deps.repo.get(ticket.id);
      if (existing && sameFacts(existing, facts)) return;
      const now = this.deps.clock.now();
      const terms = { title: textTerms(facts.title), body: textTerms([facts.description, facts.resolution].filter(Boolean).join('\n')) };
      await this.save({
        id: ticket.id,
        ...facts,
        terms,
        standing: existing?.standing ?? 'normal',
        marks: existing?.marks ?? [],
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      });
      return;
    }
    // Reopened (or re-resolved without a summary): the case leaves the library until solved again.
    const last = ticket.timeline.at(-1)?.kind;
    if (last !== 'reopen' && last !== 'resolve') return;
    const existing = await this.deps.repo.get(ticket.id);
    if (existing && !existing.withdrawn) await this.save({ ...existing, withdrawn: true, updatedAt: this.deps.clock.now() });
  }

  /** Marks a case typical, excludes it or brings it back: the ticket's owner or a lead of its department. */
  async mark(actor: Person, ticketId: string, mark: CaseMark): Promise<CaseRecord> {
    const record = await this.deps.repo.get(ticketId);
    if (!record || !this.visibleTo(actor)(record)) throw new CodedError('case.not_found', { id: ticketId });
    if (record.ownerId !== actor.id && !leadsDepartment(actor, record.departmentId, this.deps.org)) throw new CodedError('case.owner_or_lead', { id: ticketId });
    const standing = STANDING[mark];
    if (record.standing === standing) return record;
    const now = this.deps.clock.now();
    const next = { ...record, standing, marks: [...record.marks, { at: now, by: actor.id, mark }], updatedAt: now };
    await this.save(next);
    return next;
  }

  /** Saves a case; this instance's next search then sees it. */
  private async save(record: CaseRecord): Promise<void> {
    await this.deps.repo.save(record);
    this.index.changed();
  }

  /** Solved cases like `text`, best first, that `viewer` may read (an unlinked viewer sees no confidential case). */
  async similar(viewer: Person | undefined, text: string, limit = 3, except?: string): Promise<CaseHit[]> {
    const visible = this.visibleTo(viewer);
    return this.index.search(text, (r) => r.id !== except && visible(r), limit);
  }

  /** Share of resolved tickets that became cases, per month, the last `months` months up to now. */
  async stats(months = 6): Promise<MonthShare[]> {
    const timezone = this.deps.timezone ?? 'UTC';
    const now = this.deps.clock.now();
    // This month as the time zone sees it; the query reaches half a day either side of the months.
    const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit' }).format(now).split('-').map(Number);
    const start = new Date(Date.UTC(year, month - months, 1) - 14 * 3600_000);
    const end = new Date(now.getTime() + 14 * 3600_000);
    const [resolved, cases] = await Promise.all([this.deps.repo.resolvedPerMonth(start, end, timezone), this.deps.repo.casesPerMonth(start, end, timezone)]);
    const labels: string[] = [];
    for (let i = months - 1; i >= 0; i--) labels.push(new Date(Date.UTC(year, month - 1 - i, 1)).toISOString().slice(0, 7));
    const count = (list: typeof resolved, month: string) => list.find((m) => m.month === month)?.count ?? 0;
    return labels.map((month) => {
      const r = count(resolved, month);
      const c = count(cases, month);
      return { month, resolved: r, cases: c, share: r ? c / r : undefined };
    });
  }

  private visibleTo(viewer: Person | undefined): (record: CaseRecord) => boolean {
    return (record) => {
      if (!record.confidential) return true;
      if (!viewer) return false;
      // The ticket's own visibility rule (POLICY.md §7), on the facts the case keeps.
      return canSee(viewer, { confidential: true, departmentId: record.departmentId } as Ticket, this.deps.org);
    };
  }
}
