// Likely duplicate customers: the same normalised name or alias, phone,
// e-mail or CRM id, or a very close name. Each signal has a weight; several
// signals together make a pair more certain (1 − Π(1 − weight)). Pure: works
// on customers already loaded.
import type { Customer } from './customer.types.js';
import { nameSimilarity } from './normalise.js';

export type DuplicateSignalKind = 'name' | 'alias' | 'external_id' | 'phone' | 'email' | 'similar_name';

export interface DuplicateSignal {
  kind: DuplicateSignalKind;
  /** The shared value (normalised), or the similarity for close names. */
  value: string;
}

export interface DuplicatePair {
  /** The older customer (the one a merge would keep by default). */
  a: Customer;
  b: Customer;
  score: number;
  signals: DuplicateSignal[];
}

const WEIGHTS: Record<DuplicateSignalKind, number> = {
  name: 1,
  external_id: 1,
  alias: 0.95,
  phone: 0.9,
  email: 0.9,
  similar_name: 0.75,
};

/** Pairs scoring at least this are "likely duplicates". */
export const LIKELY_DUPLICATE = 0.7;
/** Names at least this similar count as a signal on their own. */
export const SIMILAR_NAME = 0.85;

const shared = (a: string[], b: string[]) => a.filter((v) => b.includes(v));

export function compareCustomers(a: Customer, b: Customer): { score: number; signals: DuplicateSignal[] } {
  const signals: DuplicateSignal[] = [];
  if (a.keys.name === b.keys.name) signals.push({ kind: 'name', value: a.keys.name });
  else {
    const alias = shared(a.keys.names, b.keys.names)[0];
    if (alias) signals.push({ kind: 'alias', value: alias });
  }
  const ext = shared(a.externalIds.map((e) => `${e.system}:${e.id}`), b.externalIds.map((e) => `${e.system}:${e.id}`))[0];
  if (ext) signals.push({ kind: 'external_id', value: ext });
  for (const phone of shared(a.keys.phones, b.keys.phones)) signals.push({ kind: 'phone', value: phone });
  for (const email of shared(a.keys.emails, b.keys.emails)) signals.push({ kind: 'email', value: email });
  if (!signals.some((s) => s.kind === 'name' || s.kind === 'alias')) {
    const similarity = nameSimilarity(a.keys.name, b.keys.name);
    if (similarity >= SIMILAR_NAME) signals.push({ kind: 'similar_name', value: similarity.toFixed(2) });
  }
  const score = 1 - signals.reduce((rest, s) => rest * (1 - WEIGHTS[s.kind]), 1);
  return { score: Math.round(score * 1000) / 1000, signals };
}

function ordered(x: Customer, y: Customer): [Customer, Customer] {
  return x.number <= y.number ? [x, y] : [y, x];
}

/** Keys two customers may share; only customers sharing one are compared. */
function blockingKeys(c: Customer): string[] {
  return [
    ...c.keys.names.map((k) => `n:${k}`),
    ...c.keys.phones.map((k) => `p:${k}`),
    ...c.keys.emails.map((k) => `e:${k}`),
    ...c.externalIds.map((e) => `x:${e.system}:${e.id}`),
    ...c.keys.grams.map((g) => `g:${g}`),
  ];
}

/** A bigram shared by more customers than this says nothing (科技, "co"). */
const COMMON_GRAM = 200;

/** Every likely duplicate pair among `customers`, most certain first. */
export function findDuplicates(customers: Customer[], threshold = LIKELY_DUPLICATE): DuplicatePair[] {
  const active = customers.filter((c) => c.status === 'active');
  const blocks = new Map<string, number[]>();
  active.forEach((c, i) => {
    for (const key of new Set(blockingKeys(c))) {
      const list = blocks.get(key) ?? [];
      list.push(i);
      blocks.set(key, list);
    }
  });
  const seen = new Set<string>();
  const pairs: DuplicatePair[] = [];
  for (const [key, members] of blocks) {
    if (members.length < 2 || (key.startsWith('g:') && members.length > COMMON_GRAM)) continue;
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const id = `${members[i]}:${members[j]}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const [a, b] = ordered(active[members[i]], active[members[j]]);
        const { score, signals } = compareCustomers(a, b);
        if (score >= threshold) pairs.push({ a, b, score, signals });
      }
    }
  }
  return pairs.sort((x, y) => y.score - x.score || x.a.number - y.a.number || x.b.number - y.b.number);
}

/** Likely duplicates of one customer among others (a new customer against the directory). */
export function duplicatesOf(customer: Customer, others: Customer[], threshold = LIKELY_DUPLICATE): DuplicatePair[] {
  return findDuplicates([customer, ...others.filter((o) => o.id !== customer.id)], threshold).filter((p) => p.a.id === customer.id || p.b.id === customer.id);
}
