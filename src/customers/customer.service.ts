// The customer directory as commands use it: find a customer by what a person
// typed, create one, change its tier (its open tickets follow, through the
// ticket domain), merge duplicates (every ticket relinked), and the facts of
// its card. Who may do what is checked here; records are built in
// customer.changes.ts and saved with a version precondition.
import type { Clock } from '../core/clock.js';
import { CodedError } from '../core/errors.js';
import type { OrgView, Person, Role } from '../org/org.types.js';
import type { TicketService } from '../tickets/ticket.service.js';
import type { ChangeSource, Ticket, Tier } from '../tickets/ticket.types.js';
import { absorb, checkMerge, newCustomer, retire, withTier } from './customer.changes.js';
import { duplicatesOf, findDuplicates, type DuplicatePair } from './customer.duplicates.js';
import { matchName, parseCustomerId, type NameMatch } from './customer.match.js';
import type { Customer, CustomerRepository, CustomerTickets, NewCustomer, OpenDraftStore } from './customer.types.js';
import { bigrams, normaliseName } from './normalise.js';

const ACTIVE = ['open', 'claimed', 'pending_handoff', 'waiting_on_customer'] as const;
const TIER_ROLES: Role[] = ['manager', 'director', 'admin'];
const MAX_ATTEMPTS = 5;
const MAX_TICKETS = 10_000;

export interface CustomerDirectoryDeps {
  repo: CustomerRepository;
  drafts: OpenDraftStore;
  tickets: Pick<TicketService, 'followCustomer'>;
  customerTickets: CustomerTickets;
  org: OrgView;
  clock: Clock;
  /** Tells people of something (admins of likely duplicates); must not throw. */
  notify?: (personIds: string[], message: string, params: Record<string, string | number>, dedupeKey: string) => Promise<void>;
}

export interface TierChange {
  customer: Customer;
  from: Tier;
  /** Open tickets that took the new tier. */
  retiered: string[];
  /** Open tickets that keep a tier someone set by hand. */
  kept: string[];
}

export interface MergeOutcome {
  keep: Customer;
  drop: Customer;
  relinked: string[];
  /** True when the merge had already happened and this only finished relinking. */
  resumed: boolean;
}

/** A ticket follows its customer's tier unless someone set its tier by hand (at open or by classify). */
export function followsCustomerTier(ticket: Ticket): boolean {
  return !ticket.timeline.some((e) => (e.kind === 'open' && e.details.tierOverride !== undefined) || (e.kind === 'classify' && e.details.tier !== undefined));
}

export class CustomerDirectory {
  constructor(private readonly deps: CustomerDirectoryDeps) {}

  get drafts(): OpenDraftStore {
    return this.deps.drafts;
  }

  /** What `typed` (a name, an alias or an id like C-12) means in the directory. */
  async match(typed: string): Promise<NameMatch> {
    const id = parseCustomerId(typed);
    if (id) {
      const found = await this.get(id);
      if (found) return { kind: 'exact', customer: found };
    }
    const key = normaliseName(typed);
    if (!key) return { kind: 'none' };
    const exact = await this.deps.repo.byNameKey(key);
    const near = exact.length ? [] : await this.deps.repo.byGrams(bigrams(key), 300);
    return matchName(typed, exact, near);
  }

  /** The one customer `typed` names, or a clear refusal (unknown, or several to choose from). */
  async lookup(typed: string): Promise<Customer> {
    const found = await this.match(typed);
    if (found.kind === 'exact') return found.customer;
    if (found.kind === 'none') throw new CodedError('customer.not_found', { name: typed.slice(0, 80) });
    throw new CodedError('customer.ambiguous', { name: typed.slice(0, 80), candidates: found.candidates.map((c) => `${c.id} ${c.name}`).join(', ') });
  }

  /** A customer by id; a merged one answers with the customer it was merged into. */
  async get(id: string): Promise<Customer | null> {
    let customer = await this.deps.repo.get(id);
    for (let hops = 0; customer?.status === 'merged' && customer.mergedInto && hops < 10; hops++) customer = await this.deps.repo.get(customer.mergedInto);
    return customer;
  }

  /**
   * Creates a customer. A customer of the same normalised name created meanwhile is
   * returned instead (`created: false`); likely duplicates are flagged to the admins.
   */
  async create(input: NewCustomer, by: string): Promise<{ customer: Customer; created: boolean; duplicates: DuplicatePair[] }> {
    const [number] = await this.deps.repo.nextNumbers(1);
    const customer = newCustomer(number, input, by, this.deps.clock.now());
    if (!(await this.deps.repo.insert(customer))) {
      const existing = await this.deps.repo.byNameKey(customer.keys.name);
      const same = existing.find((c) => c.keys.name === customer.keys.name);
      if (same) return { customer: same, created: false, duplicates: [] };
      throw new CodedError('customer.busy', { name: customer.name });
    }
    const duplicates = await this.likelyDuplicatesOf(customer);
    if (duplicates.length) await this.flagDuplicates(duplicates);
    return { customer, created: true, duplicates };
  }

  async likelyDuplicatesOf(customer: Customer): Promise<DuplicatePair[]> {
    const { repo } = this.deps;
    const others = [
      ...(await Promise.all(customer.keys.names.map((k) => repo.byNameKey(k)))).flat(),
      ...(await repo.byContacts({ phones: customer.keys.phones, emails: customer.keys.emails, externalIds: customer.externalIds.map((e) => e.id) })),
      ...(await repo.byGrams(customer.keys.grams, 300)),
    ];
    const unique = [...new Map(others.map((c) => [c.id, c])).values()];
    return duplicatesOf(customer, unique);
  }

  /** Every likely duplicate pair of the directory, most certain first. */
  async duplicates(limit = 50): Promise<DuplicatePair[]> {
    const all: Customer[] = [];
    for await (const c of this.deps.repo.all()) all.push(c);
    return findDuplicates(all).slice(0, limit);
  }

  /** Sets a customer's tier (managers, directors, admins); its open tickets follow unless their tier was set by hand. */
  async changeTier(actor: Person, typed: string, tier: Tier, source: ChangeSource): Promise<TierChange> {
    if (!actor.roles.some((r) => TIER_ROLES.includes(r))) throw new CodedError('customer.tier_managers_only');
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.lookup(typed);
      const open = await this.deps.customerTickets.byCustomer(current.id, { states: ACTIVE, limit: MAX_TICKETS, withTimeline: true });
      const following = open.filter(followsCustomerTier);
      const kept = open.filter((t) => !followsCustomerTier(t)).map((t) => t.id);
      let customer = current;
      // The same tier again changes nothing on the customer, but still brings stray tickets in line.
      if (current.tier !== tier) {
        customer = withTier(current, tier, actor.id, this.deps.clock.now(), following.length);
        if (!(await this.deps.repo.replace(customer, current.version))) continue;
      }
      const retiered: string[] = [];
      for (const t of following) {
        const moved = await this.deps.tickets.followCustomer(t.id, { kind: 'customer', customerId: customer.id, customer: customer.name, tier, reason: 'customer_tier' }, actor.id, source);
        if (moved) retiered.push(t.id);
      }
      return { customer, from: current.tier, retiered, kept };
    }
    throw new CodedError('customer.busy', { name: typed.slice(0, 80) });
  }

  /**
   * Merges `dropTyped` into `keepTyped` (admins): both trails record it and every ticket of
   * the dropped customer is relinked, with the merge on its timeline. Running it again after
   * an interruption finishes the relinking.
   */
  async merge(actor: Person, keepTyped: string, dropTyped: string, source: ChangeSource): Promise<MergeOutcome> {
    if (!actor.roles.includes('admin')) throw new CodedError('auth.admin_only');
    let keep = await this.exactly(keepTyped);
    let drop = await this.exactly(dropTyped);
    const resumed = drop.status === 'merged' && drop.mergedInto === keep.id;
    if (!resumed) {
      checkMerge(keep, drop);
      const tickets = await this.deps.customerTickets.byCustomer(drop.id, { limit: MAX_TICKETS });
      const now = this.deps.clock.now();
      // The dropped customer leaves every lookup first, so no new ticket links to it meanwhile.
      const retired = retire(drop, keep, actor.id, now, tickets.length);
      if (!(await this.deps.repo.replace(retired, drop.version))) throw new CodedError('customer.busy', { name: drop.name });
      drop = retired;
      for (let attempt = 0; ; attempt++) {
        const absorbed = absorb(keep, drop, actor.id, now, tickets.length);
        if (await this.deps.repo.replace(absorbed, keep.version)) {
          keep = absorbed;
          break;
        }
        const fresh = await this.deps.repo.get(keep.id);
        if (!fresh || attempt >= MAX_ATTEMPTS) throw new CodedError('customer.busy', { name: keep.name });
        keep = fresh;
      }
    }
    const relinked: string[] = [];
    for (const t of await this.deps.customerTickets.byCustomer(drop.id, { limit: MAX_TICKETS, withTimeline: true })) {
      const tier = followsCustomerTier(t) ? keep.tier : undefined;
      const moved = await this.deps.tickets.followCustomer(t.id, { kind: 'customer', customerId: keep.id, customer: keep.name, tier, reason: 'customer_merge', mergedFrom: drop.id }, actor.id, source);
      if (moved) relinked.push(t.id);
    }
    return { keep, drop, relinked, resumed };
  }

  /** The facts of a customer's card. */
  async profile(customer: Customer): Promise<{ open: Ticket[]; recent: Ticket[]; satisfaction: { average?: number; count: number } }> {
    const [open, recent, satisfaction] = await Promise.all([
      this.deps.customerTickets.byCustomer(customer.id, { states: ACTIVE, limit: 25 }),
      this.deps.customerTickets.byCustomer(customer.id, { limit: 20, withTimeline: true }),
      this.deps.customerTickets.satisfaction(customer.id),
    ]);
    return { open, recent, satisfaction };
  }

  /** For merges: the customer exactly as named, merged or not (ids are taken as they are). */
  private async exactly(typed: string): Promise<Customer> {
    const id = parseCustomerId(typed);
    if (id) {
      const found = await this.deps.repo.get(id);
      if (found) return found;
    }
    return this.lookup(typed);
  }

  private async flagDuplicates(pairs: DuplicatePair[]): Promise<void> {
    const admins = this.deps.org.people().filter((p) => p.roles.includes('admin')).map((p) => p.id);
    if (!this.deps.notify || !admins.length) return;
    for (const p of pairs.slice(0, 3)) {
      const params = { keep: p.a.id, keepName: p.a.name, drop: p.b.id, dropName: p.b.name };
      await this.deps.notify(admins, 'customer.duplicate_notice', params, `customer-duplicate:${p.a.id}:${p.b.id}`);
    }
  }
}
