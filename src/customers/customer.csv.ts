// The CSV form of the directory, as CRMs export it and Excel opens it:
// header names in English or Chinese, several values in one cell separated by
// semicolons, tiers as codes or their Chinese names. One row becomes a new
// customer or a reason it was refused. Pure.
import { TIERS, type Tier } from '../tickets/ticket.types.js';
import { MAX_NAME_LENGTH } from './customer.changes.js';
import type { Customer, ExternalId, NewCustomer } from './customer.types.js';
import { normaliseEmail, normaliseName, normalisePhone } from './normalise.js';

export const CSV_COLUMNS = ['id', 'name', 'aliases', 'tier', 'phones', 'emails', 'crm_id', 'external_ids', 'notes', 'confidential'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

const HEADER_NAMES: Record<CsvColumn, string[]> = {
  id: ['id', 'customer id', '客户编号'],
  name: ['name', 'customer', 'customer name', 'company', 'account name', '客户名称', '名称', '客户', '公司名称'],
  aliases: ['aliases', 'alias', 'other names', '别名', '简称'],
  tier: ['tier', 'level', 'customer tier', '客户等级', '等级', '级别'],
  phones: ['phones', 'phone', 'telephone', 'mobile', 'tel', '电话', '手机', '联系电话'],
  emails: ['emails', 'email', 'e-mail', 'mail', '邮箱', '电子邮件', '电子邮箱'],
  crm_id: ['crm_id', 'crm id', 'crmid', 'crm', 'account id', 'crm编号', 'crm 编号'],
  external_ids: ['external_ids', 'external ids', '外部编号'],
  notes: ['notes', 'note', 'remarks', 'comment', '备注'],
  confidential: ['confidential', 'secret', '保密'],
};

/** The column a header names (case, width and spacing ignored), or undefined for a column we do not read. */
export function columnOf(header: string): CsvColumn | undefined {
  const key = header.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  return CSV_COLUMNS.find((c) => HEADER_NAMES[c].includes(key));
}

export type RejectReason = 'missing_name' | 'bad_name' | 'name_too_long' | 'bad_tier' | 'bad_phone' | 'bad_email' | 'bad_confidential' | 'duplicate_in_file' | 'duplicate_existing';

export interface Rejection {
  /** Line of the file the row ends on (the header is line 1). */
  line: number;
  name: string;
  reason: RejectReason;
  /** The offending value, or what the row duplicates (`line 3`, `C-12 ACME Ltd`). */
  detail: string;
}

const TIER_WORDS: Record<string, Tier> = { 重要客户: 'vip', 重要: 'vip', 一般客户: 'standard', 一般: 'standard', 潜在客户: 'prospect', 潜在: 'prospect' };
const YES = ['yes', 'y', 'true', '1', '是', '保密'];
const NO = ['', 'no', 'n', 'false', '0', '否'];

/** Several values in one cell: `;` always separates; phones and e-mails also split on commas. */
export function splitCell(cell: string | undefined, alsoCommas = false): string[] {
  if (!cell) return [];
  const separators = alsoCommas ? /[;；|\n,，、]/ : /[;；|\n]/;
  return cell.split(separators).map((v) => v.trim()).filter(Boolean);
}

export type ParsedRow = { ok: true; customer: NewCustomer } | { ok: false; reason: RejectReason; detail: string };

export function parseRow(row: Partial<Record<CsvColumn, string>>): ParsedRow {
  const name = (row.name ?? '').trim();
  if (!name) return { ok: false, reason: 'missing_name', detail: '' };
  if (name.length > MAX_NAME_LENGTH) return { ok: false, reason: 'name_too_long', detail: `${name.length} > ${MAX_NAME_LENGTH}` };
  if (!normaliseName(name)) return { ok: false, reason: 'bad_name', detail: name };
  const rawTier = (row.tier ?? '').trim();
  const tier = rawTier ? ((TIERS as readonly string[]).includes(rawTier.toLowerCase()) ? (rawTier.toLowerCase() as Tier) : TIER_WORDS[rawTier]) : 'standard';
  if (!tier) return { ok: false, reason: 'bad_tier', detail: rawTier };
  const phones = splitCell(row.phones, true);
  const badPhone = phones.find((p) => !normalisePhone(p));
  if (badPhone) return { ok: false, reason: 'bad_phone', detail: badPhone };
  const emails = splitCell(row.emails, true).flatMap((e) => e.split(/\s+/)).filter(Boolean);
  const badEmail = emails.find((e) => !normaliseEmail(e));
  if (badEmail) return { ok: false, reason: 'bad_email', detail: badEmail };
  const secret = (row.confidential ?? '').trim().toLowerCase();
  if (!YES.includes(secret) && !NO.includes(secret)) return { ok: false, reason: 'bad_confidential', detail: row.confidential ?? '' };
  const externalIds: ExternalId[] = [
    ...splitCell(row.crm_id).map((id) => ({ system: 'crm', id })),
    ...splitCell(row.external_ids).map((v) => {
      const at = v.indexOf(':');
      return at > 0 ? { system: v.slice(0, at).trim().toLowerCase(), id: v.slice(at + 1).trim() } : { system: 'crm', id: v };
    }),
  ].filter((e) => e.id);
  return {
    ok: true,
    customer: { name, aliases: splitCell(row.aliases), tier, phones, emails, externalIds, notes: row.notes?.trim() || undefined, confidential: YES.includes(secret) },
  };
}

/** A customer as one CSV row (lists joined with `; `). */
export function toRow(c: Customer): Record<CsvColumn, string> {
  return {
    id: c.id,
    name: c.name,
    aliases: c.aliases.join('; '),
    tier: c.tier,
    phones: c.phones.join('; '),
    emails: c.emails.join('; '),
    crm_id: c.externalIds.filter((e) => e.system === 'crm').map((e) => e.id).join('; '),
    external_ids: c.externalIds.filter((e) => e.system !== 'crm').map((e) => `${e.system}:${e.id}`).join('; '),
    notes: c.notes ?? '',
    confidential: c.confidential ? 'yes' : '',
  };
}
