// Two bot instances on one database: a directory change made through one
// (an admin link) reaches the other without a restart.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { startTestDatabase, type TestDatabase } from '../support/mongo.js';
import { OrgRepository } from '../../src/storage/org.repository.js';
import { LiveOrg } from '../../src/org/live-org.js';
import { OrgRefresher } from '../../src/org/org-refresh.js';
import { demoOrgData } from '../../src/org/demo-org.js';

let tdb: TestDatabase;
let connA: Connection;
let connB: Connection;

beforeAll(async () => {
  tdb = await startTestDatabase('orgrefresh');
  const open = () => mongoose.createConnection(tdb.uri, { dbName: tdb.dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
  [connA, connB] = await Promise.all([open(), open()]);
});
afterAll(async () => {
  await Promise.all([connA?.close(), connB?.close()]);
  await tdb?.stop();
});

describe('OrgRefresher', () => {
  it('reloads the directory of another instance when the stored version moves, and only then', async () => {
    const repoA = new OrgRepository(connA);
    const repoB = new OrgRepository(connB);
    await repoA.seedIfEmpty(demoOrgData());
    const first = await repoB.load();
    const orgB = new LiveOrg(first);
    let loads = 0;
    const source = { version: () => repoB.version(), load: async () => (loads++, repoB.load()) };
    const refresher = new OrgRefresher({ source, replace: (next) => orgB.replace(next), logger: { warn: () => undefined } }, first.version);

    await refresher.check();
    expect(loads).toBe(0);
    expect(orgB.personByIdentity('slack', 'U0NEWLINK1')).toBeUndefined();

    await repoA.linkIdentity('liu.yang', { platform: 'slack', userId: 'U0NEWLINK1' });
    await refresher.check();
    expect(loads).toBe(1);
    expect(orgB.personByIdentity('slack', 'U0NEWLINK1')?.id).toBe('liu.yang');

    await refresher.check();
    expect(loads).toBe(1);
  });
});
