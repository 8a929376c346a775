// Building and changing customer records, each change written on the
// customer's own trail (who, when, from → to). Pure: the service saves.
import { CodedError } from '../core/errors.js';
import type { Tier } from '../tickets/ticket.types.js';
import type { Customer, CustomerAuditEntry, ExternalId, NewCustomer } from './customer.types.js';
import { customerKeys, normaliseEmail, normaliseName, normalisePhone } from './normalise.js';

export const MAX_NAME_LENGTH = 200;

export function customerId(number: number): string {
  return `C-${number}`;
}

const uniqueBy = <T>(values: T[], key: (v: T) => string) => {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (!k || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

const clean = (values: string[] | undefined) => uniqueBy((values ?? []).map((v) => v.trim()).filter(Boolean), (v) => v);

export function newCustomer(number: number, input: NewCustomer, by: string, now: Date, how: 'created' | 'imported' = 'created'): Customer {
  const name = input.name.trim();
  if (!name) throw new CodedError('customer.name_missing');
  if (name.length > MAX_NAME_LENGTH) throw new CodedError('customer.name_too_long', { max: MAX_NAME_LENGTH, length: name.length });
  // Only punctuation or symbols: nothing to recognise the customer by again.
  if (!normaliseName(name)) throw new CodedError('customer.name_invalid', { name: name.slice(0, 80) });
  const record = {
    name,
    aliases: clean(input.aliases).filter((a) => a !== name),
    phones: uniqueBy(clean(input.phones), normalisePhone),
    emails: uniqueBy(clean(input.emails), normaliseEmail),
  };
  return {
    id: customerId(number),
    number,
    ...record,
    tier: input.tier ?? 'standard',
    externalIds: uniqueBy(input.externalIds ?? [], (e) => `${e.system}:${e.id}`),
    notes: input.notes?.trim() || undefined,
    confidential: input.confidential ?? false,
    status: 'active',
    createdAt: now,
    createdBy: by,
    updatedAt: now,
    version: 1,
    audit: [{ at: now, by, kind: how, to: input.tier ?? 'standard' }],
    keys: customerKeys(record),
  };
}

function changed(customer: Customer, entry: CustomerAuditEntry, patch: Partial<Customer>): Customer {
  const next = { ...customer, ...patch, updatedAt: entry.at, version: customer.version + 1, audit: [...customer.audit, entry] };
  return { ...next, keys: customerKeys(next) };
}

export function withTier(customer: Customer, tier: Tier, by: string, now: Date, tickets: number): Customer {
  return changed(customer, { at: now, by, kind: 'tier', from: customer.tier, to: tier, tickets }, { tier });
}

/** Refuses a merge that cannot be: a customer with itself, or one already merged away. */
export function checkMerge(keep: Customer, drop: Customer): void {
  if (keep.id === drop.id) throw new CodedError('customer.merge_self', { id: keep.id, name: keep.name });
  for (const c of [keep, drop]) if (c.status === 'merged') throw new CodedError('customer.already_merged', { id: c.id, name: c.name, into: c.mergedInto ?? '' });
}

/**
 * `keep` absorbs `drop`: its name and aliases become aliases, contacts and external ids are
 * added, notes appended, and it is confidential if either was. `keep`'s tier stands.
 */
export function absorb(keep: Customer, drop: Customer, by: string, now: Date, tickets: number): Customer {
  const aliases = clean([...keep.aliases, drop.name, ...drop.aliases]).filter((a) => a !== keep.name);
  const notes = [keep.notes, drop.notes ? `[${drop.id} ${drop.name}] ${drop.notes}` : undefined].filter(Boolean).join('\n') || undefined;
  return changed(
    keep,
    { at: now, by, kind: 'merged', from: drop.id, to: keep.id, otherName: drop.name, tickets },
    {
      aliases,
      phones: uniqueBy([...keep.phones, ...drop.phones], normalisePhone),
      emails: uniqueBy([...keep.emails, ...drop.emails], normaliseEmail),
      externalIds: uniqueBy<ExternalId>([...keep.externalIds, ...drop.externalIds], (e) => `${e.system}:${e.id}`),
      notes,
      confidential: keep.confidential || drop.confidential,
    },
  );
}

/** `drop` after the merge: kept as a record that points at `keep`, out of every lookup. */
export function retire(drop: Customer, keep: Customer, by: string, now: Date, tickets: number): Customer {
  return changed(drop, { at: now, by, kind: 'merged_into', from: drop.id, to: keep.id, otherName: keep.name, tickets }, { status: 'merged', mergedInto: keep.id });
}
