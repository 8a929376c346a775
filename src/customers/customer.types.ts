// The customer directory (客户名录): who a ticket is for, the tier that sets its
// clocks (POLICY.md §1–§2), how to reach them, and a trail of every tier change
// and merge. Names are stored as typed; `keys` hold the normalised forms that
// lookups and duplicate detection compare.
import type { Ticket, TicketState, Tier } from '../tickets/ticket.types.js';

export interface ExternalId {
  /** The system the id comes from (`crm`). */
  system: string;
  id: string;
}

export type CustomerAuditKind = 'created' | 'tier' | 'merged' | 'merged_into' | 'imported';

export interface CustomerAuditEntry {
  at: Date;
  /** Person id, a platform handle for unlinked openers, or `import` / `system`. */
  by: string;
  kind: CustomerAuditKind;
  /** Tier changes: the old and new tier; merges: the customer merged in (`merged`) or into (`merged_into`). */
  from?: string;
  to?: string;
  /** Name of the other customer of a merge, as it was then. */
  otherName?: string;
  /** Tickets relinked by a merge, or re-tiered by a tier change. */
  tickets?: number;
  note?: string;
}

/** Normalised forms of the customer's identifying facts (see normalise.ts). */
export interface CustomerKeys {
  /** The normalised name: one active customer per name. */
  name: string;
  /** The normalised name and every alias. */
  names: string[];
  phones: string[];
  emails: string[];
  /** Character bigrams of the names, to find close names without scanning the directory. */
  grams: string[];
}

export interface Customer {
  /** `C-12`. */
  id: string;
  number: number;
  name: string;
  aliases: string[];
  tier: Tier;
  phones: string[];
  emails: string[];
  externalIds: ExternalId[];
  notes?: string;
  /** Tickets of a confidential customer are confidential (POLICY.md §7). */
  confidential: boolean;
  /** `merged` customers stay as a record of the merge and point at the survivor. */
  status: 'active' | 'merged';
  mergedInto?: string;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  /** Optimistic-concurrency version, as on tickets. */
  version: number;
  audit: CustomerAuditEntry[];
  keys: CustomerKeys;
}

/** What creating a customer needs; ids, keys and the trail are filled in. */
export interface NewCustomer {
  name: string;
  aliases?: string[];
  tier?: Tier;
  phones?: string[];
  emails?: string[];
  externalIds?: ExternalId[];
  notes?: string;
  confidential?: boolean;
}

export interface CustomerRepository {
  /** Numbers for new customers (`C-n`), `count` at a time. */
  nextNumbers(count: number): Promise<number[]>;
  /** Inserts; false when an active customer with the same normalised name exists. */
  insert(customer: Customer): Promise<boolean>;
  /** Inserts many (an import); returns the ids that were refused as duplicate names. */
  insertMany(customers: Customer[]): Promise<string[]>;
  get(id: string): Promise<Customer | null>;
  /** Saves only if the stored version is still `expectedVersion`. */
  replace(customer: Customer, expectedVersion: number): Promise<boolean>;
  /** Active customers whose name or an alias normalises to `key`. */
  byNameKey(key: string): Promise<Customer[]>;
  /** Active customers sharing at least one bigram with `grams` (candidates for close names). */
  byGrams(grams: string[], limit: number): Promise<Customer[]>;
  /** Active customers whose name or an alias is one of `names`, or with one of these external ids (imports, in batches). */
  byKeys(keys: { names: string[]; externalIds: string[] }): Promise<Customer[]>;
  /** Active customers with any of these phones, e-mails or external ids. */
  byContacts(keys: { phones: string[]; emails: string[]; externalIds: string[] }): Promise<Customer[]>;
  /** Every active customer (duplicate scans, export), in number order. */
  all(): AsyncIterable<Customer>;
}

/** The customer's tickets, as the directory needs them (storage implements it). */
export interface CustomerTickets {
  /** Newest change first; `withTimeline` adds each ticket's timeline (for last contacts and tier overrides). */
  byCustomer(customerId: string, options?: { states?: readonly TicketState[]; limit?: number; withTimeline?: boolean }): Promise<Ticket[]>;
  /** Average return-visit satisfaction (1–5) over the customer's tickets. */
  satisfaction(customerId: string): Promise<{ average?: number; count: number }>;
}

/** An open request parked while the opener chooses which customer they meant. */
export interface OpenDraft {
  id: string;
  /** Who may finish it: the opener's person id or platform handle. */
  by: string;
  args: Record<string, string>;
  createdAt: Date;
  /** The ticket it became, once used. */
  ticketId?: string;
}

export interface OpenDraftStore {
  saveDraft(draft: OpenDraft): Promise<void>;
  /** Takes the draft for one open (a second click finds it taken); null when gone or taken. */
  claimDraft(id: string): Promise<OpenDraft | null>;
  /** The draft as stored (to tell a second click which ticket it became). */
  getDraft(id: string): Promise<OpenDraft | null>;
  finishDraft(id: string, ticketId: string): Promise<void>;
  /** Gives a claimed draft back after a failed open. */
  releaseDraft(id: string): Promise<void>;
}
