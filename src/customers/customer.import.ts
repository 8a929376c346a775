// Importing a CRM export into the directory and exporting the directory as
// CSV. Input may start with a UTF-8 BOM (Excel writes one); output always
// does, so Excel opens Chinese names correctly. Rows are checked one by one
// and saved in batches; every refused row is reported with its reason.
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import type { Clock } from '../core/clock.js';
import { newCustomer } from './customer.changes.js';
import { CSV_COLUMNS, columnOf, parseRow, toRow, type CsvColumn, type Rejection } from './customer.csv.js';
import type { Customer, CustomerRepository, NewCustomer } from './customer.types.js';
import { customerKeys } from './normalise.js';

export interface ImportReport {
  /** Data rows read (the header not counted). */
  read: number;
  imported: number;
  rejected: Rejection[];
  /** Imported rows sharing a phone or e-mail with another customer: likely duplicates to review. */
  flagged: Array<{ line: number; name: string; id: string; detail: string }>;
}

export interface ImportOptions {
  batchSize?: number;
  /** Called every `progressEvery` rows read (and once at the end). */
  progressEvery?: number;
  onProgress?: (report: ImportReport) => void;
  /** Checks every row but saves nothing. */
  dryRun?: boolean;
  /** Recorded as who created the customers. */
  by?: string;
}

export class CsvHeaderError extends Error {}

interface Pending {
  line: number;
  customer: NewCustomer;
  keys: ReturnType<typeof customerKeys>;
}

export async function importCustomers(input: Readable, repo: CustomerRepository, clock: Clock, options: ImportOptions = {}): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 500;
  const every = options.progressEvery ?? 1000;
  const report: ImportReport = { read: 0, imported: 0, rejected: [], flagged: [] };
  // What earlier rows of this file claimed: normalised names and CRM ids → the line that has them.
  const seenNames = new Map<string, number>();
  const seenIds = new Map<string, number>();
  const run: RunState = { report, seenContacts: new Map(), ids: new Set() };
  let batch: Pending[] = [];

  const parser = input.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const mapped = header.map((h) => columnOf(h) ?? false);
        if (!mapped.includes('name')) throw new CsvHeaderError(`no name column in the header (${header.join(', ')}); expected one of: name, customer name, 客户名称`);
        return mapped as string[];
      },
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }),
  );

  for await (const { record, info } of parser as AsyncIterable<{ record: Partial<Record<CsvColumn, string>>; info: { lines: number } }>) {
    report.read++;
    const line = info.lines;
    const parsed = parseRow(record);
    const name = (record.name ?? '').trim();
    if (!parsed.ok) report.rejected.push({ line, name, reason: parsed.reason, detail: parsed.detail });
    else {
      const keys = customerKeys(parsed.customer);
      const twin = keys.names.map((k) => seenNames.get(k)).find((l) => l !== undefined) ?? (parsed.customer.externalIds ?? []).map((e) => seenIds.get(`${e.system}:${e.id}`)).find((l) => l !== undefined);
      if (twin !== undefined) report.rejected.push({ line, name, reason: 'duplicate_in_file', detail: `line ${twin}` });
      else {
        for (const k of keys.names) seenNames.set(k, line);
        for (const e of parsed.customer.externalIds ?? []) seenIds.set(`${e.system}:${e.id}`, line);
        batch.push({ line, customer: parsed.customer, keys });
      }
    }
    if (batch.length >= batchSize) batch = await flush(batch, repo, clock, options, run);
    if (report.read % every === 0) options.onProgress?.(report);
  }
  await flush(batch, repo, clock, options, run);
  options.onProgress?.(report);
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}

/** What one import run has seen so far. */
interface RunState {
  report: ImportReport;
  /** Phones and e-mails of earlier rows → that row. */
  seenContacts: Map<string, { line: number; name: string }>;
  /** Customers this run created (compared through `seenContacts`, not as existing ones). */
  ids: Set<string>;
}

async function flush(batch: Pending[], repo: CustomerRepository, clock: Clock, options: ImportOptions, run: RunState): Promise<Pending[]> {
  if (!batch.length) return [];
  const { report } = run;
  const existing = await repo.byKeys({ names: batch.flatMap((p) => p.keys.names), externalIds: batch.flatMap((p) => (p.customer.externalIds ?? []).map((e) => e.id)) });
  const fresh: Pending[] = [];
  for (const p of batch) {
    const hit = existing.find((c) => c.keys.names.some((k) => p.keys.names.includes(k)) || c.externalIds.some((e) => (p.customer.externalIds ?? []).some((x) => x.system === e.system && x.id === e.id)));
    if (hit) report.rejected.push({ line: p.line, name: p.customer.name, reason: 'duplicate_existing', detail: `${hit.id} ${hit.name}` });
    else fresh.push(p);
  }
  if (!fresh.length) return [];
  const numbers = options.dryRun ? fresh.map((_, i) => -(i + 1)) : await repo.nextNumbers(fresh.length);
  const now = clock.now();
  const customers = fresh.map((p, i) => newCustomer(numbers[i], p.customer, options.by ?? 'import', now, 'imported'));
  const refused = options.dryRun ? [] : await repo.insertMany(customers);
  const sharing = await repo.byContacts({ phones: fresh.flatMap((p) => p.keys.phones), emails: fresh.flatMap((p) => p.keys.emails), externalIds: [] });
  for (const c of customers) run.ids.add(c.id);
  customers.forEach((c, i) => {
    const { line } = fresh[i];
    if (refused.includes(c.id)) {
      report.rejected.push({ line, name: c.name, reason: 'duplicate_existing', detail: c.keys.name });
      return;
    }
    report.imported++;
    flagShared(c, line, sharing.filter((o) => !run.ids.has(o.id)), run);
  });
  return [];
}

/** A phone or e-mail already in the directory, or earlier in the file: imported, but flagged. */
function flagShared(c: Customer, line: number, existing: Customer[], run: RunState): void {
  const contacts = [...c.keys.phones, ...c.keys.emails];
  const other = existing.find((o) => contacts.some((k) => o.keys.phones.includes(k) || o.keys.emails.includes(k)));
  const earlier = contacts.map((k) => run.seenContacts.get(k)).find(Boolean);
  if (other) run.report.flagged.push({ line, name: c.name, id: c.id, detail: `${other.id} ${other.name}` });
  else if (earlier) run.report.flagged.push({ line, name: c.name, id: c.id, detail: `line ${earlier.line} ${earlier.name}` });
  for (const k of contacts) if (!run.seenContacts.has(k)) run.seenContacts.set(k, { line, name: c.name });
}

/** Writes every active customer as CSV with a UTF-8 BOM; returns how many. */
export async function exportCustomers(repo: CustomerRepository, output: Writable): Promise<number> {
  const writer = stringify({ bom: true, header: true, columns: [...CSV_COLUMNS] });
  writer.pipe(output);
  let count = 0;
  for await (const c of repo.all()) {
    if (!writer.write(toRow(c))) await once(writer, 'drain');
    count++;
  }
  writer.end();
  await once(output, 'finish');
  return count;
}
