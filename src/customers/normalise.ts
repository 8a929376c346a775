// Normalised forms of what identifies a customer, so that "ＡＣＭＥ Co., Ltd.",
// "acme limited" and "ACME" are one name, "+86 138-0013-8000" and
// "13800138000" one phone, and "J.Doe@GMail.com" and "jdoe@gmail.com" one
// e-mail. Pure functions; the stored keys come from here.
import type { CustomerKeys, NewCustomer } from './customer.types.js';

// Longest first, so 股份有限公司 goes before 有限公司 and 公司.
const CJK_SUFFIXES = ['股份有限公司', '有限责任公司', '有限公司', '集团公司', '集团', '公司'];
const LATIN_SUFFIXES = ['limited', 'ltd', 'incorporated', 'inc', 'corporation', 'corp', 'company', 'co', 'llc', 'gmbh', 'plc', 'group'];

/** NFKC (full-width to half-width), lower case, punctuation and symbols to spaces, spaces collapsed. */
export function foldText(raw: string): string {
  return raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The comparable form of a company or person name: folded, company suffixes
 * (Ltd, Limited, Inc, Co., Corp, LLC, GmbH, 有限公司, 股份有限公司, 集团, 公司…)
 * removed from the end, spaces dropped. Never empty for a name with letters.
 */
export function normaliseName(raw: string): string {
  let words = foldText(raw).split(' ').filter(Boolean);
  for (let changed = true; changed && words.length > 1; ) {
    changed = false;
    const last = words[words.length - 1];
    if (LATIN_SUFFIXES.includes(last)) {
      words = words.slice(0, -1);
      changed = true;
    }
  }
  let joined = words.join('');
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of CJK_SUFFIXES) {
      if (joined.endsWith(suffix) && joined.length > suffix.length) {
        joined = joined.slice(0, -suffix.length);
        changed = true;
        break;
      }
    }
  }
  return joined || foldText(raw).replace(/ /g, '');
}

/**
 * Digits only, with China's country code (+86, 0086, 86 before an 11-digit
 * mobile) and the domestic trunk 0 of a landline removed, so the same number
 * typed either way compares equal. Other countries keep their code. Empty when
 * there are fewer than five digits.
 */
export function normalisePhone(raw: string): string {
  const text = raw.normalize('NFKC').trim();
  let digits = text.replace(/\D/g, '');
  const international = text.startsWith('+') || digits.startsWith('00');
  if (digits.startsWith('00')) digits = digits.slice(2);
  if (digits.startsWith('86') && (international || digits.length === 13)) digits = digits.slice(2);
  else if (international) return digits.length >= 5 ? `+${digits}` : '';
  // 010-8888 8888 and +86 10 8888 8888 are the same Beijing landline.
  if (digits.startsWith('0') && digits.length >= 10 && digits.length <= 12) digits = digits.slice(1);
  return digits.length >= 5 ? digits : '';
}

const GMAIL = new Set(['gmail.com', 'googlemail.com']);

/** Lower case; Gmail ignores dots and +tags in the local part, so those are dropped. Empty when not an address. */
export function normaliseEmail(raw: string): string {
  const text = raw.normalize('NFKC').trim().toLowerCase();
  const at = text.lastIndexOf('@');
  if (at < 1 || at === text.length - 1 || /\s/.test(text)) return '';
  let local = text.slice(0, at);
  let domain = text.slice(at + 1);
  if (!/^[^@.][^@]*\.[a-z\p{L}]{2,}$/u.test(domain)) return '';
  if (GMAIL.has(domain)) {
    domain = 'gmail.com';
    local = local.split('+')[0].replace(/\./g, '');
  }
  return `${local}@${domain}`;
}

/** Character bigrams of a normalised name (a one-character name is its own gram). */
export function bigrams(key: string): string[] {
  const chars = [...key];
  if (chars.length < 2) return chars.length ? [chars[0]] : [];
  const grams = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) grams.add(chars[i] + chars[i + 1]);
  return [...grams];
}

/** Dice similarity of two normalised names (0…1), on character bigrams. */
export function nameSimilarity(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  const ga = bigrams(a);
  const gb = new Set(bigrams(b));
  const shared = ga.filter((g) => gb.has(g)).length;
  return (2 * shared) / (ga.length + gb.size);
}

const unique = (values: string[]) => [...new Set(values.filter(Boolean))];

/** The lookup keys of a customer's facts. */
export function customerKeys(c: Pick<NewCustomer, 'name' | 'aliases' | 'phones' | 'emails'>): CustomerKeys {
  const name = normaliseName(c.name);
  const names = unique([name, ...(c.aliases ?? []).map(normaliseName)]);
  return {
    name,
    names,
    phones: unique((c.phones ?? []).map(normalisePhone)),
    emails: unique((c.emails ?? []).map(normaliseEmail)),
    grams: unique(names.flatMap(bigrams)),
  };
}
