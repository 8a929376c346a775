// Which directory customer a typed name means: an exact match of the
// normalised name or an alias links at once; close names are offered to the
// person to choose from; nothing close means a new customer. Pure: the
// candidates come from the repository.
import type { Customer } from './customer.types.js';
import { nameSimilarity, normaliseName } from './normalise.js';

/** Below this, a name is not offered as a possible match. */
export const CLOSE_NAME = 0.6;
/** At most this many customers are offered to choose from. */
export const MAX_CHOICES = 5;

/** Customer ids look like `C-12` (full-width and lower case accepted, as for tickets). */
export function parseCustomerId(raw: string): string | undefined {
  const m = /^c-?(\d{1,9})$/i.exec(raw.normalize('NFKC').trim());
  return m ? `C-${Number(m[1])}` : undefined;
}

/** How close a typed (normalised) name is to a customer: its best name or alias. */
export function closeness(key: string, customer: Customer): number {
  let best = 0;
  for (const name of customer.keys.names) {
    let score = nameSimilarity(key, name);
    // "ACME" for "ACME Trading", "字节" for "北京字节跳动科技": one contains the other.
    const [short, long] = key.length <= name.length ? [key, name] : [name, key];
    if ([...short].length >= 2 && long.includes(short)) score = Math.max(score, 0.8);
    best = Math.max(best, score);
  }
  return best;
}

export type NameMatch =
  | { kind: 'exact'; customer: Customer }
  | { kind: 'choose'; candidates: Customer[]; exact: boolean }
  | { kind: 'none' };

/**
 * Decides among customers the repository found for `typed`: `exact` holds those whose
 * name or an alias normalises the same, `near` those sharing some of its letters.
 */
export function matchName(typed: string, exact: Customer[], near: Customer[]): NameMatch {
  const active = (list: Customer[]) => list.filter((c) => c.status === 'active');
  const same = active(exact);
  if (same.length === 1) return { kind: 'exact', customer: same[0] };
  // Two customers answer to the same name (a duplicate not merged yet): the person chooses.
  if (same.length > 1) return { kind: 'choose', candidates: same.slice(0, MAX_CHOICES), exact: true };
  const key = normaliseName(typed);
  const ranked = active(near)
    .map((customer) => ({ customer, score: closeness(key, customer) }))
    .filter((r) => r.score >= CLOSE_NAME)
    .sort((a, b) => b.score - a.score || a.customer.number - b.customer.number)
    .slice(0, MAX_CHOICES);
  return ranked.length ? { kind: 'choose', candidates: ranked.map((r) => r.customer), exact: false } : { kind: 'none' };
}
