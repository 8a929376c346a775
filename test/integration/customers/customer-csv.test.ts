// Importing a CRM export and exporting the directory: a UTF-8 BOM is accepted
// on input and written on output (Excel and Chinese); every refused row is
// reported with its line and reason (bad tier, missing name, duplicate within
// the file or of an existing customer…); an export imports back unchanged;
// and the command-line script reports progress on stderr every N rows.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { ManualClock } from '../../../src/core/clock.js';
import { exportCustomers, importCustomers, type ImportReport } from '../../../src/customers/customer.import.js';
import type { Customer } from '../../../src/customers/customer.types.js';
import { MongoCustomerRepository } from '../../../src/storage/customer.repository.js';
import { openDatabase, type DatabaseHandle } from '../../../src/storage/connection.js';
import { createLogger } from '../../../src/core/logger.js';
import { startTestDatabase, type TestDatabase } from '../../support/mongo.js';
import { startCustomerWorld, type CustomerWorld } from '../../support/customer-world.js';

const BOM = '\uFEFF';
const clock = new ManualClock('2026-03-02T02:00:00Z');
let w: CustomerWorld;
let report: ImportReport;

const CRM_EXPORT = [
  'Customer Name,Aliases,Tier,Phone,E-mail,CRM ID,Notes,Confidential',
  'ACME Ltd,Acme Trading; ACME HK,vip,"+86 138-0013-8000, 010-8888 8888",Ops@Acme.example,CRM-1,Key account,',
  '华为技术有限公司,华为,重要客户,13900000000,,CRM-2,,否',
  ',Nameless,standard,,,,,',
  'Globex,,gold,,,,,',
  'ＡＣＭＥ Limited,,standard,,,,,',
  'Initech,,standard,,not-an-email,,,',
  '安布雷拉（中国）有限公司,,,13800138000,,,,是',
  'Umbrella Corporation,,standard,,,,,',
  'Stark Industries,,standard,,,CRM-2,,',
  '"Wayne Enterprises, Inc.",,prospect,,,,"line one',
  'line two",yes',
  '小米科技有限责任公司,小米,潜在客户,,,CRM-9,,',
].join('\r\n');

beforeAll(async () => {
  w = await startCustomerWorld('customer_csv');
  await w.customers.create({ name: 'Umbrella Corp' }, 'alex.morgan');
  report = await importCustomers(Readable.from([Buffer.from(BOM + CRM_EXPORT, 'utf8')]), w.customerRepo, clock, { batchSize: 4 });
});
afterAll(async () => {
  await w?.stop();
});

async function collect(repo: MongoCustomerRepository): Promise<Customer[]> {
  const all: Customer[] = [];
  for await (const c of repo.all()) all.push(c);
  return all;
}

describe('import', () => {
  it('reports every refused row with its line and reason', () => {
    expect(report.rejected).toEqual([
      { line: 4, name: '', reason: 'missing_name', detail: '' },
      { line: 5, name: 'Globex', reason: 'bad_tier', detail: 'gold' },
      { line: 6, name: 'ＡＣＭＥ Limited', reason: 'duplicate_in_file', detail: 'line 2' },
      { line: 7, name: 'Initech', reason: 'bad_email', detail: 'not-an-email' },
      { line: 9, name: 'Umbrella Corporation', reason: 'duplicate_existing', detail: 'C-1 Umbrella Corp' },
      { line: 10, name: 'Stark Industries', reason: 'duplicate_in_file', detail: 'line 3' },
    ]);
    expect(report).toMatchObject({ read: 11, imported: 5 });
  });

  it('imports the good rows as typed (line breaks in a cell kept), with tiers, lists, CRM ids and the confidential flag', async () => {
    const byName = new Map((await collect(w.customerRepo)).map((c) => [c.name, c]));
    expect(byName.get('ACME Ltd')).toMatchObject({
      aliases: ['Acme Trading', 'ACME HK'],
      tier: 'vip',
      phones: ['+86 138-0013-8000', '010-8888 8888'],
      emails: ['Ops@Acme.example'],
      externalIds: [{ system: 'crm', id: 'CRM-1' }],
      notes: 'Key account',
      confidential: false,
      createdBy: 'import',
      audit: [expect.objectContaining({ kind: 'imported', by: 'import', to: 'vip' })],
    });
    expect(byName.get('华为技术有限公司')).toMatchObject({ aliases: ['华为'], tier: 'vip', confidential: false });
    expect(byName.get('安布雷拉（中国）有限公司')).toMatchObject({ tier: 'standard', confidential: true });
    expect(byName.get('Wayne Enterprises, Inc.')).toMatchObject({ tier: 'prospect', notes: 'line one\r\nline two', confidential: true });
    expect(byName.get('小米科技有限责任公司')).toMatchObject({ tier: 'prospect', aliases: ['小米'] });
    // Imported customers are found like any other.
    expect((await w.customers.lookup('acme trading')).name).toBe('ACME Ltd');
  });

  it('flags an imported row that shares a phone with an earlier one', () => {
    expect(report.flagged).toEqual([{ line: 8, name: '安布雷拉（中国）有限公司', id: expect.stringMatching(/^C-\d+$/), detail: 'line 2 ACME Ltd' }]);
  });

  it('a file without a name column is refused as a whole', async () => {
    await expect(importCustomers(Readable.from(['foo,bar\n1,2\n']), w.customerRepo, clock)).rejects.toThrow(/no name column/);
  });
});

describe('export', () => {
  let csv: Buffer;
  beforeAll(async () => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    });
    expect(await exportCustomers(w.customerRepo, sink)).toBe(6);
    csv = Buffer.concat(chunks);
  });

  it('starts with a UTF-8 BOM and keeps Chinese as written', () => {
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8');
    expect(text.split('\n')[0]).toBe(`${BOM}id,name,aliases,tier,phones,emails,crm_id,external_ids,notes,confidential`);
    expect(text).toContain('华为技术有限公司,华为,vip,13900000000,,CRM-2,,,');
  });

  it('imports back into an empty directory unchanged', async () => {
    const db: TestDatabase = await startTestDatabase('customer_csv_roundtrip');
    const m = /^(mongodb:\/\/[^/?]+)\/?([^?]*)(\?.*)?$/.exec(db.uri)!;
    const handle: DatabaseHandle = await openDatabase({ mongodbUri: `${m[1]}/${m[2] || db.dbName}${m[3] ?? ''}`, logger: createLogger('silent') });
    try {
      const repo = new MongoCustomerRepository(handle.connection);
      await repo.init();
      const again = await importCustomers(Readable.from([csv]), repo, clock);
      expect(again.rejected).toEqual([]);
      const facts = (list: Customer[]) => list.map(({ name, aliases, tier, phones, emails, externalIds, notes, confidential }) => ({ name, aliases, tier, phones, emails, externalIds, notes, confidential }));
      expect(facts(await collect(repo))).toEqual(facts(await collect(w.customerRepo)));
    } finally {
      await handle.close();
      await db.stop();
    }
  });
});

describe('the command-line script', () => {
  const run = promisify(execFile);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-customers-'));
  const tsx = path.resolve('node_modules/.bin/tsx');
  const env = () => ({ ...process.env, MONGODB_URI: w.db.uri.replace(/\/?(\?|$)/, `/${w.db.dbName}$1`), LOG_LEVEL: 'error' });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('imports with progress on stderr, the report on stdout, refused rows to a file; exports with a BOM', async () => {
    const rows = ['客户名称,客户等级,电话'];
    for (let i = 1; i <= 25; i++) rows.push(`客户${i}号有限公司,${i === 7 ? '黄金' : '一般客户'},${i === 12 ? '' : `1380000${String(i).padStart(4, '0')}`}`);
    rows.push('客户3号公司,一般客户,');
    const input = path.join(dir, 'in.csv');
    fs.writeFileSync(input, BOM + rows.join('\n'));
    const rejects = path.join(dir, 'rejects.csv');
    const failed = await run(tsx, ['scripts/customers.ts', 'import', input, '--every', '10', '--rejects', rejects], { env: env() }).catch((err: { code: number; stdout: string; stderr: string }) => err);
    expect((failed as { code?: number }).code).toBe(1);
    const { stdout, stderr } = failed as { stdout: string; stderr: string };
    expect(stderr.split('\n').filter((l) => l.includes('rows read'))).toEqual([
      '10 rows read, 0 imported, 1 rejected',
      '20 rows read, 0 imported, 1 rejected',
      '26 rows read, 24 imported, 2 rejected',
    ]);
    expect(stdout).toContain('imported: 24 of 26 rows; rejected: 2');
    expect(stdout).toContain('line 8 (客户7号有限公司): bad tier (use vip, standard or prospect, or 重要客户/一般客户/潜在客户): 黄金');
    expect(stdout).toContain('line 27 (客户3号公司): duplicate of an earlier row: line 4');
    expect(fs.readFileSync(rejects, 'utf8').startsWith(`${BOM}line,name,reason,detail`)).toBe(true);

    const output = path.join(dir, 'out.csv');
    const exported = await run(tsx, ['scripts/customers.ts', 'export', output], { env: env() });
    expect(exported.stdout).toMatch(/^exported \d+ customers to /);
    const written = fs.readFileSync(output);
    expect([...written.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(written.toString('utf8')).toContain('客户25号有限公司');
  }, 60_000);

  it('bad usage: a short usage line and exit code 2', async () => {
    const err = (await run(tsx, ['scripts/customers.ts', 'frobnicate'], { env: env() }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/^usage: npm run customers -- import <file.csv>/);
  }, 60_000);
});
