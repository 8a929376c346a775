// The case library (案例库): solved tickets kept as searchable cases, so the
// next person with the same problem finds how it was solved. A case is the
// ticket's title, description and resolution summary, with the terms they
// segment into stored beside them (every instance indexes the same terms).
import type { TicketType, Tier } from '../tickets/ticket.types.js';

/** `typical` cases (典型案例) rank first; `excluded` ones are never suggested. */
export type CaseStanding = 'normal' | 'typical' | 'excluded';
export type CaseMark = 'typical' | 'exclude' | 'include';

export interface CaseTerms {
  title: string[];
  /** Description and resolution. */
  body: string[];
}

export interface CaseRecord {
  /** The ticket id: one case per ticket. */
  id: string;
  title: string;
  description?: string;
  resolution: string;
  terms: CaseTerms;
  type: TicketType;
  tier: Tier;
  departmentId: string;
  /** Confidential tickets' cases are found only by those who may see the ticket. */
  confidential: boolean;
  ownerId?: string;
  customerId?: string;
  customer?: string;
  resolvedAt: Date;
  standing: CaseStanding;
  /** The ticket was reopened: out of the library until it is resolved again. */
  withdrawn: boolean;
  marks: Array<{ at: Date; by: string; mark: CaseMark }>;
  createdAt: Date;
  updatedAt: Date;
}

export interface MonthCount {
  /** `2025-03`. */
  month: string;
  count: number;
}

export interface CaseRepository {
  get(id: string): Promise<CaseRecord | null>;
  /** Saves the case and moves the library's version stamp on, so every instance re-indexes. */
  save(record: CaseRecord): Promise<void>;
  /** The library's version stamp. */
  version(): Promise<number>;
  /** Cases that may be suggested (not excluded, not withdrawn). */
  searchable(): Promise<CaseRecord[]>;
  /** Tickets resolved (and not reopened since) per month between `from` and `to`. */
  resolvedPerMonth(from: Date, to: Date, timezone: string): Promise<MonthCount[]>;
  /** Searchable cases per month of their resolution between `from` and `to`. */
  casesPerMonth(from: Date, to: Date, timezone: string): Promise<MonthCount[]>;
}
