import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { startTestDatabase, rejection, type TestDatabase } from '../support/mongo.js';
import { OrgRepository } from '../../src/storage/org.repository.js';
import { personModel } from '../../src/storage/models/person.model.js';
import { demoOrgData } from '../../src/org/demo-org.js';
import type { OrgData } from '../../src/org/org.loader.js';
import { CodedError } from '../../src/core/errors.js';

let tdb: TestDatabase;
let conn: Connection;
let repo: OrgRepository;

beforeAll(async () => {
  tdb = await startTestDatabase('org');
  // As the app connects: filters sanitised against `$`-operator injection.
  conn = await mongoose.createConnection(tdb.uri, { dbName: tdb.dbName, serverSelectionTimeoutMS: 5000, sanitizeFilter: true }).asPromise();
});
afterAll(async () => {
  await conn?.close();
  await tdb?.stop();
});
beforeEach(async () => {
  await conn.dropDatabase();
  repo = new OrgRepository(conn);
});

/** The demo with one person fewer and one identity moved, as an edited ORG_FILE would be. */
function editedOrg(): OrgData {
  const data = demoOrgData();
  data.people = data.people.filter((p) => p.id !== 'liu.yang');
  const sam = data.people.find((p) => p.id === 'sam.taylor')!;
  const raj = data.people.find((p) => p.id === 'raj.patel')!;
  // Raj's Slack id moves to Sam in the new file.
  raj.identities = raj.identities.filter((i) => i.platform !== 'slack');
  sam.identities = [{ platform: 'slack', userId: 'U0DEMORP01' }, ...sam.identities];
  return data;
}

describe('OrgRepository', () => {
  it('seeds once: seeded, then kept', async () => {
    expect(await repo.version()).toBe(0);
    expect(await repo.seedIfEmpty(demoOrgData())).toBe('seeded');
    expect(await repo.seedIfEmpty(editedOrg())).toBe('kept');
    const dir = await repo.load();
    expect(dir.toData()).toEqual(demoOrgData());
    expect(dir.version).toBe(1);
    expect(await repo.version()).toBe(1);
  });

  it('keeps people and departments in file order', async () => {
    await repo.seedIfEmpty(demoOrgData());
    const dir = await repo.load();
    expect(dir.people().map((p) => p.id)).toEqual(demoOrgData().people.map((p) => p.id));
    expect(dir.departments().map((d) => d.id)).toEqual(['support', 'billing', 'tech']);
  });

  it('links an identity and load sees it', async () => {
    await repo.seedIfEmpty(demoOrgData());
    await repo.linkIdentity('liu.yang', { platform: 'slack', userId: 'U0LIUYANG' });
    const dir = await repo.load();
    expect(dir.personByIdentity('slack', 'U0LIUYANG')?.id).toBe('liu.yang');
    expect(dir.findPerson('<@U0LIUYANG|liu>')?.id).toBe('liu.yang');
    expect(dir.version).toBe(2);
    // Linking it again to the same person changes nothing.
    await repo.linkIdentity('liu.yang', { platform: 'slack', userId: 'U0LIUYANG' });
    expect(await repo.version()).toBe(2);
  });

  it('refuses an identity already linked to someone else', async () => {
    await repo.seedIfEmpty(demoOrgData());
    const err = await rejection(repo.linkIdentity('liu.yang', { platform: 'slack', userId: 'U0DEMOCJ01' }));
    expect(err).toBeInstanceOf(CodedError);
    expect(err.code).toBe('org.identity_taken');
    expect(err.params).toEqual({ platform: 'slack', userId: 'U0DEMOCJ01', heldBy: 'chen.jing', personId: 'liu.yang' });
    expect(await repo.version()).toBe(1);
    // The same user id on another platform is a different identity.
    await repo.linkIdentity('liu.yang', { platform: 'teams', userId: 'U0DEMOCJ01' });
  });

  it('refuses a duplicate identity at the database even without the pre-check', async () => {
    await repo.seedIfEmpty(demoOrgData());
    const People = personModel(conn);
    const err = await rejection(
      People.updateOne(
        { _id: 'liu.yang' },
        { $push: { identities: { platform: 'feishu', userId: 'ou_demo_chen_jing', source: 'link' }, identityKeys: 'feishu:ou_demo_chen_jing' } },
      ),
    );
    expect(err.code).toBe(11000);
  });

  it('lets exactly one of two racing links win', async () => {
    await repo.seedIfEmpty(demoOrgData());
    const results = await Promise.allSettled([
      repo.linkIdentity('liu.yang', { platform: 'slack', userId: 'U0RACE' }),
      new OrgRepository(conn).linkIdentity('zhao.min', { platform: 'slack', userId: 'U0RACE' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost?.reason).toMatchObject({ code: 'org.identity_taken' });
    const dir = await repo.load();
    expect(['liu.yang', 'zhao.min']).toContain(dir.personByIdentity('slack', 'U0RACE')?.id);
  });

  it('holds uniqueness in a unique index, and stores people without identities', async () => {
    const data = demoOrgData();
    for (const p of data.people.slice(0, 3)) p.identities = [];
    await repo.replaceAll(data);
    const indexes = await personModel(conn).collection.listIndexes().toArray();
    expect(indexes.find((i) => i.name === 'identity_unique')).toMatchObject({ key: { identityKeys: 1 }, unique: true });
    expect((await repo.load()).person(data.people[0].id)?.identities).toEqual([]);
  });

  it('refuses to link an unknown person', async () => {
    await repo.seedIfEmpty(demoOrgData());
    const err = await rejection(repo.linkIdentity('nobody', { platform: 'slack', userId: 'U0NEW' }));
    expect(err).toMatchObject({ code: 'org.person_not_found', params: { personId: 'nobody' } });
  });

  it('replaceAll makes the file the truth but keeps runtime links of people still present', async () => {
    await repo.seedIfEmpty(demoOrgData());
    await repo.linkIdentity('zhao.min', { platform: 'slack', userId: 'U0ZHAOMIN' });
    await repo.linkIdentity('liu.yang', { platform: 'slack', userId: 'U0LIUYANG' });
    // A runtime link that the new file gives to someone else is dropped.
    await repo.linkIdentity('zhou.hui', { platform: 'teams', userId: 'TEAMS-ZH' });
    const edited = editedOrg();
    edited.people.find((p) => p.id === 'grace.liu')!.identities.push({ platform: 'teams', userId: 'TEAMS-ZH' });
    edited.reviewers = ['grace.liu'];

    await repo.replaceAll(edited);
    const dir = await repo.load();
    expect(dir.personByIdentity('slack', 'U0ZHAOMIN')?.id).toBe('zhao.min');
    expect(dir.person('liu.yang')).toBeUndefined();
    expect(dir.personByIdentity('slack', 'U0LIUYANG')).toBeUndefined();
    expect(dir.personByIdentity('slack', 'U0DEMORP01')?.id).toBe('sam.taylor');
    expect(dir.personByIdentity('teams', 'TEAMS-ZH')?.id).toBe('grace.liu');
    expect(dir.person('zhou.hui')?.identities).toEqual([{ platform: 'console', userId: 'zhou.hui' }]);
    expect(dir.reviewers().map((p) => p.id)).toEqual(['grace.liu']);
    expect(dir.people().map((p) => p.id)).toEqual(edited.people.map((p) => p.id));
  });

  it('replaceAll removes departments no longer in the file', async () => {
    await repo.seedIfEmpty(demoOrgData());
    const data = demoOrgData();
    data.departments = data.departments.filter((d) => d.id !== 'tech');
    data.departments[0].homeConversations = [{ platform: 'slack', conversationId: 'C0SUPPORT' }];
    await repo.replaceAll(data);
    const dir = await repo.load();
    expect(dir.departments().map((d) => d.id)).toEqual(['support', 'billing']);
    expect(dir.department('support')?.homeConversations).toEqual([{ platform: 'slack', conversationId: 'C0SUPPORT' }]);
  });

  it('increments the version on every change', async () => {
    expect(await repo.version()).toBe(0);
    await repo.replaceAll(demoOrgData());
    expect(await repo.version()).toBe(1);
    await repo.linkIdentity('zhao.min', { platform: 'feishu', userId: 'ou_zhao' });
    expect(await repo.version()).toBe(2);
    await repo.replaceAll(demoOrgData());
    expect(await repo.version()).toBe(3);
    expect(await repo.seedIfEmpty(demoOrgData())).toBe('kept');
    expect(await repo.version()).toBe(3);
    // Another instance on the same database sees the same version.
    expect(await new OrgRepository(conn).version()).toBe(3);
  });
});
