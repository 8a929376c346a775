// CSV exports from the command line (the same files as GET /api/v1/exports/<kind>):
//   npm run export -- tickets|timelines|penalties|scorecards --from YYYY-MM-DD --to YYYY-MM-DD [--out file.csv] [--reason text]
// UTF-8 with a byte-order mark (Excel shows Chinese correctly), formula-looking cells
// neutralised. Without --out the CSV goes to stdout. Every export is written to the access
// log as `cli:<user>`. Uses MONGODB_URI, or the embedded database in DATA_DIR (stop the bot
// first then). Exit code 0 on success, 2 on bad usage.
import fs from 'node:fs';
import os from 'node:os';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { systemClock, type Clock } from '../src/core/clock.js';
import type { Connection } from 'mongoose';
import { OrgRepository } from '../src/storage/org.repository.js';
import { loadPolicy } from '../src/config/policy.loader.js';
import { MongoReportRepository } from '../src/storage/report.repository.js';
import { MongoAccessLog } from '../src/storage/access-log.repository.js';
import { ReportService } from '../src/reports/report.service.js';
import { EXPORT_KINDS, ExportService, type ExportKind } from '../src/reports/export.service.js';
import { parseRange, ReportInputError } from '../src/reports/report.range.js';
import { runAsCommand, withDatabase } from './cli.js';

export const EXPORT_USAGE = `usage: npm run export -- <${EXPORT_KINDS.join('|')}> --from YYYY-MM-DD --to YYYY-MM-DD [--out file.csv] [--reason text]`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export interface ExportCliOptions {
  conn: Connection;
  clock?: Clock;
  policyFile?: string;
  /** Where the CSV goes when --out is not given. */
  stdout?: Writable;
  err?: (line: string) => void;
  user?: string;
}

/** Runs one export; returns the exit code. */
export async function runExport(args: string[], options: ExportCliOptions): Promise<number> {
  const err = options.err ?? console.error;
  const kind = args[0] as ExportKind;
  const from = option(args, '--from');
  const to = option(args, '--to');
  if (!EXPORT_KINDS.includes(kind) || !from || !to) {
    err(EXPORT_USAGE);
    return 2;
  }
  const clock = options.clock ?? systemClock;
  let range;
  try {
    range = parseRange(from, to, clock.now());
  } catch (e) {
    if (e instanceof ReportInputError) {
      err(`export: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const org = await new OrgRepository(options.conn).load();
  const repository = new MongoReportRepository(options.conn);
  const policy = loadPolicy(options.policyFile);
  const accessLog = new MongoAccessLog(options.conn, policy.records.accessLogYears);
  await Promise.all([repository.init(), accessLog.init()]);
  const reports = new ReportService({ reports: repository, org, clock, policy, clocksOf: () => [] });
  const exports = new ExportService({ reports, repository, org, accessLog });
  const outFile = option(args, '--out');
  const sink: Writable = outFile ? fs.createWriteStream(outFile) : (options.stdout ?? process.stdout);
  const user = options.user ?? os.userInfo().username;
  const viewer = { kind: 'admin', label: `cli:${user}` } as const;
  for await (const chunk of exports.csv({ kind, range, viewer, via: 'cli', route: `npm run export -- ${kind}`, reason: option(args, '--reason') })) {
    if (!sink.write(chunk)) await once(sink, 'drain');
  }
  if (outFile) {
    sink.end();
    await once(sink, 'finish');
    err(`exported ${kind} ${from}..${to} to ${outFile}`);
  }
  return 0;
}

async function main(args: string[]): Promise<number> {
  if (!EXPORT_KINDS.includes(args[0] as ExportKind)) {
    console.error(EXPORT_USAGE);
    return 2;
  }
  return withDatabase((conn, env) => runExport(args, { conn, policyFile: env.POLICY_FILE }));
}

runAsCommand(import.meta.url, 'export', main);
