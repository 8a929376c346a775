// The customer directory from the command line:
//   npm run customers -- import customers.csv [--dry-run] [--every 1000] [--rejects rejected.csv]
//   npm run customers -- export customers.csv
// It uses the database the bot uses (MONGODB_URI, or the embedded one in DATA_DIR — stop
// the bot first then, as only one process can open that folder). Progress goes to stderr
// every N rows; the report (imported, refused rows with their reasons, likely duplicates)
// to stdout. Exit code 0 when every row was imported, 1 when some were refused, 2 on bad usage.
import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { systemClock } from '../src/core/clock.js';
import { runAsCommand, withDatabase } from './cli.js';
import { MongoCustomerRepository } from '../src/storage/customer.repository.js';
import { exportCustomers, importCustomers, type ImportReport } from '../src/customers/customer.import.js';
import type { RejectReason } from '../src/customers/customer.csv.js';

const USAGE = 'usage: npm run customers -- import <file.csv> [--dry-run] [--every N] [--rejects <file.csv>]\n       npm run customers -- export <file.csv>';

const WHY: Record<RejectReason, string> = {
  missing_name: 'missing name',
  bad_name: 'a name needs letters or digits',
  name_too_long: 'name too long',
  bad_tier: 'bad tier (use vip, standard or prospect, or 重要客户/一般客户/潜在客户)',
  bad_phone: 'bad phone',
  bad_email: 'bad e-mail',
  bad_confidential: 'bad confidential flag (use yes or no)',
  duplicate_in_file: 'duplicate of an earlier row',
  duplicate_existing: 'already in the directory',
};

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function printReport(report: ImportReport, dryRun: boolean): void {
  console.log(`${dryRun ? 'checked (dry run, nothing saved)' : 'imported'}: ${dryRun ? report.read - report.rejected.length : report.imported} of ${report.read} rows; rejected: ${report.rejected.length}`);
  for (const r of report.rejected) console.log(`  line ${r.line}${r.name ? ` (${r.name})` : ''}: ${WHY[r.reason]}${r.detail ? `: ${r.detail}` : ''}`);
  if (report.flagged.length) {
    console.log(`likely duplicates to review (same phone or e-mail): ${report.flagged.length}`);
    for (const f of report.flagged) console.log(`  line ${f.line} (${f.name}, ${f.id}) shares a contact with ${f.detail}`);
  }
}

async function main(args: string[]): Promise<number> {
  const [command, file] = args;
  if (!file || (command !== 'import' && command !== 'export')) {
    console.error(USAGE);
    return 2;
  }
  // Progress goes to stderr with the logs, so stdout carries only the report.
  return withDatabase(async (conn) => {
    const repo = new MongoCustomerRepository(conn);
    await repo.init();
    if (command === 'export') {
      const count = await exportCustomers(repo, fs.createWriteStream(file));
      console.log(`exported ${count} customers to ${file}`);
      return 0;
    }
    const every = Number(option(args, '--every') ?? 1000);
    const dryRun = args.includes('--dry-run');
    const report = await importCustomers(fs.createReadStream(file), repo, systemClock, {
      dryRun,
      progressEvery: Number.isInteger(every) && every > 0 ? every : 1000,
      onProgress: (r) => process.stderr.write(`${r.read} rows read, ${r.imported} imported, ${r.rejected.length} rejected\n`),
    });
    printReport(report, dryRun);
    const rejects = option(args, '--rejects');
    if (rejects && report.rejected.length) {
      const rows = report.rejected.map((r) => ({ line: r.line, name: r.name, reason: WHY[r.reason], detail: r.detail }));
      fs.writeFileSync(rejects, stringify(rows, { bom: true, header: true }));
      console.log(`rejected rows written to ${rejects}`);
    }
    return report.rejected.length ? 1 : 0;
  });
}

runAsCommand(import.meta.url, 'customers', main);
