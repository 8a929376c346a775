// MongoDB's CRUD specification tests (unified test format), run through our
// own runner (test/support/unified-runner.ts) against the embedded server, or
// against a real MongoDB when MONGODB_URI is set.
//
// The spec files are read at run time from outside the repository
// (<repo>/../shared/mongo-spec/crud, or $MONGO_SPEC_CRUD_DIR); without them
// the whole suite is skipped. One `describe` per file, one `it` per test;
// tests outside the runner's scope show up as skipped with the reason.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MongoClient } from 'mongodb';
import { connectClient, startTestDatabase, usingRealMongo, type TestDatabase } from '../support/mongo.js';
import { crudSpecDirectory, loadSpecFiles, planTests, UnifiedRunner } from '../support/unified-runner.js';
import { KNOWN_GAPS } from './crud-spec.known-gaps.js';

const specDir = crudSpecDirectory();
const specs = specDir ? loadSpecFiles(specDir) : [];
const clientOptions = { serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000, socketTimeoutMS: 60000 };

/** Known embedded-server gaps apply only to the embedded server. */
function knownGap(file: string, test: string): string | undefined {
  if (usingRealMongo) return undefined;
  return KNOWN_GAPS.find((g) => g.file === file && g.test === test)?.reason;
}

if (!specDir) {
  describe.skip('CRUD spec tests (spec folder absent: ../shared/mongo-spec/crud)', () => {
    it('needs the spec folder', () => undefined);
  });
} else {
  describe('CRUD spec tests (unified format)', () => {
    let server: TestDatabase;
    let internalClient: MongoClient;
    // A tag unique to this run, so runs against a shared real MongoDB never collide.
    const tag = `cs${randomBytes(3).toString('hex')}`;

    beforeAll(async () => {
      server = await startTestDatabase('crudspec');
      internalClient = await connectClient(server.uri);
    });

    afterAll(async () => {
      await internalClient?.close();
      await server?.stop();
    });

    it('lists only existing spec tests as known gaps', () => {
      const existing = new Set(specs.flatMap(({ file, spec }) => spec.tests.map((t) => `${file} › ${t.description}`)));
      expect(KNOWN_GAPS.map((g) => `${g.file} › ${g.test}`).filter((key) => !existing.has(key))).toEqual([]);
    });

    specs.forEach(({ file, spec }, fileIndex) => {
      describe(file, () => {
        // Each file gets its own databases: "<tag>_<file index>_<name in the file>".
        const runner = () =>
          new UnifiedRunner({
            uri: server.uri,
            internalClient,
            clientOptions,
            databaseName: (name) => `${tag}_${fileIndex}_${name}`.slice(0, 63),
          });

        afterAll(async () => {
          if (internalClient) await runner().dropDatabases(spec);
        });

        for (const planned of planTests(spec)) {
          if (planned.skip) {
            it.skip(`${planned.description} [skipped: ${planned.skip}]`, () => undefined);
            continue;
          }
          const gap = knownGap(file, planned.description);
          const title = gap ? `${planned.description} [known gap: ${gap}]` : planned.description;
          (gap ? it.failing : it)(title, () => runner().runTest(spec, planned.test));
        }
      });
    });
  });
}
