// Stores the organisation directory: people, departments and one meta
// document (groups + version). No transactions (the embedded server has none),
// so writes are ordered to keep the unique identity index satisfied at every step.
import mongoose, { type Connection, type Model } from 'mongoose';
import { CodedError } from '../core/errors.js';
import type { ConversationRef, Platform } from '../core/platform.js';
import { Directory } from '../org/directory.js';
import type { OrgData } from '../org/org.loader.js';
import type { Department, Person, PlatformIdentity } from '../org/org.types.js';
import { departmentModel, type DepartmentDoc } from './models/department.model.js';
import { ORG_META_ID, orgMetaModel, type OrgMetaDoc } from './models/org-meta.model.js';
import { identityKey as key, personModel, type PersonDoc, type StoredIdentity } from './models/person.model.js';

const DUPLICATE_KEY = 11000;

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === DUPLICATE_KEY;
}

export class OrgRepository {
  private readonly people: Model<PersonDoc>;
  private readonly departments: Model<DepartmentDoc>;
  private readonly meta: Model<OrgMetaDoc>;
  private indexes?: Promise<unknown>;

  constructor(conn: Connection) {
    this.people = personModel(conn);
    this.departments = departmentModel(conn);
    this.meta = orgMetaModel(conn);
  }

  /** Writes `data` unless an organisation was stored before (the meta document is written last). */
  async seedIfEmpty(data: OrgData): Promise<'seeded' | 'kept'> {
    await this.ready();
    const meta = await this.meta.findById(ORG_META_ID).lean();
    if (meta && meta.version > 0) return 'kept';
    await this.write(data);
    return 'seeded';
  }

  /**
   * ORG_FILE is the source of truth: people, departments and groups become exactly
   * `data`. Identities an admin linked at runtime stay with their person when that
   * person is still present and the file does not give the identity to someone else.
   */
  async replaceAll(data: OrgData): Promise<void> {
    await this.ready();
    await this.write(data);
  }

  async load(): Promise<Directory> {
    await this.ready();
    const [people, departments, meta] = await Promise.all([
      this.people.find().sort({ position: 1, _id: 1 }).lean(),
      this.departments.find().sort({ position: 1, _id: 1 }).lean(),
      this.meta.findById(ORG_META_ID).lean(),
    ]);
    const data: OrgData = {
      people: people.map(toPerson),
      departments: departments.map(toDepartment),
      reviewers: meta?.reviewers ?? [],
      emergency: meta?.emergency ?? [],
    };
    return new Directory(data, meta?.version ?? 0);
  }

  /** Links a chat identity to a person (`/ticket admin link`). Linking it again to the same person does nothing. */
  async linkIdentity(personId: string, identity: PlatformIdentity): Promise<void> {
    await this.ready();
    const holder = await this.holderOf(identity);
    if (holder === personId) return;
    if (holder !== undefined) throw taken(identity, holder, personId);
    const stored: StoredIdentity = {
      platform: identity.platform,
      userId: identity.userId,
      ...(identity.email !== undefined && { email: identity.email }),
      source: 'link',
      linkedAt: new Date(),
    };
    let matched: number;
    try {
      ({ matchedCount: matched } = await this.people.updateOne({ _id: personId }, { $push: { identities: stored, identityKeys: key(stored) } }));
    } catch (err) {
      // Lost a race with another link: the unique index decided.
      if (isDuplicateKey(err)) throw taken(identity, (await this.holderOf(identity)) ?? 'unknown', personId);
      throw err;
    }
    if (matched === 0) throw new CodedError('org.person_not_found', { personId });
    await this.bump();
  }

  /** Makes a conversation the department's home on its platform (replacing the previous one there). */
  async setDepartmentHome(departmentId: string, home: ConversationRef): Promise<void> {
    await this.ready();
    const doc = await this.departments.findById(String(departmentId)).lean();
    if (!doc) throw new CodedError('org.unknown_department', { department: departmentId });
    const homes = [...doc.homeConversations.filter((c) => c.platform !== home.platform), { platform: home.platform, conversationId: home.conversationId, ...(home.extras ? { extras: home.extras } : {}) }];
    await this.departments.updateOne({ _id: doc._id }, { $set: { homeConversations: homes } });
    await this.bump();
  }

  async version(): Promise<number> {
    const meta = await this.meta.findById(ORG_META_ID).lean();
    return meta?.version ?? 0;
  }

  private ready(): Promise<unknown> {
    // The unique identity index must exist before the first write relies on it.
    this.indexes ??= Promise.all([this.people.init(), this.departments.init(), this.meta.init()]).catch((err: unknown) => {
      this.indexes = undefined; // try again on the next call rather than failing forever
      throw err;
    });
    return this.indexes;
  }

  private async holderOf(identity: { platform: Platform; userId: string }): Promise<string | undefined> {
    const holder = await this.people.findOne({ identityKeys: key(identity) }, { _id: 1 }).lean();
    return holder?._id;
  }

  private async write(data: OrgData): Promise<void> {
    const existing = await this.people.find().lean();
    const previous = new Map(existing.map((p) => [p._id, p]));
    const fileOwner = new Map<string, string>();
    for (const p of data.people) for (const i of p.identities) fileOwner.set(key(i), p.id);

    const docs: PersonDoc[] = data.people.map((p, position) => {
      const fromFile: StoredIdentity[] = p.identities.map((i) => ({ ...i, source: 'org' }));
      const links = (previous.get(p.id)?.identities ?? []).filter((i) => i.source === 'link' && !fileOwner.has(key(i)));
      const identities = [...fromFile, ...links];
      return { ...fromPerson(p), position, identities, identityKeys: identities.map(key) };
    });
    const wanted = new Set(docs.map((d) => d._id));

    // 1. People who left, and identities moving away from someone, are removed first,
    //    so that step 2 never meets an identity still held by another document.
    await this.people.deleteMany({ _id: mongoose.trusted({ $nin: [...wanted] }) });
    for (const doc of docs) {
      const before = previous.get(doc._id);
      if (!before) continue;
      const keep = new Set(doc.identities.map(key));
      const remaining = before.identities.filter((i) => keep.has(key(i)));
      if (remaining.length !== before.identities.length) {
        await this.people.updateOne({ _id: doc._id }, { $set: { identities: remaining, identityKeys: remaining.map(key) } });
      }
    }
    // 2. Everyone as the data says.
    if (docs.length) {
      await this.people.bulkWrite(docs.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })));
    }
    const departments: DepartmentDoc[] = data.departments.map((d, position) => ({ ...fromDepartment(d), position }));
    await this.departments.deleteMany({ _id: mongoose.trusted({ $nin: departments.map((d) => d._id) }) });
    if (departments.length) {
      await this.departments.bulkWrite(departments.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })));
    }
    // 3. The meta document last: its version tells readers (and seedIfEmpty) the write is complete.
    await this.bump({ reviewers: data.reviewers, emergency: data.emergency });
  }

  private async bump(set: Partial<Pick<OrgMetaDoc, 'reviewers' | 'emergency'>> = {}): Promise<void> {
    try {
      await this.meta.updateOne({ _id: ORG_META_ID }, { $set: { ...set, updatedAt: new Date() }, $inc: { version: 1 } }, { upsert: true });
    } catch (err) {
      // Two first-ever writes raced to insert the meta document; the loser retries as an update.
      if (!isDuplicateKey(err)) throw err;
      await this.meta.updateOne({ _id: ORG_META_ID }, { $set: { ...set, updatedAt: new Date() }, $inc: { version: 1 } });
    }
  }
}

function taken(identity: PlatformIdentity, heldBy: string, personId: string): CodedError {
  return new CodedError('org.identity_taken', { platform: identity.platform, userId: identity.userId, heldBy, personId });
}

function fromPerson(p: Person): Omit<PersonDoc, 'position' | 'identities' | 'identityKeys'> {
  return {
    _id: p.id,
    name: p.name,
    locale: p.locale,
    roles: [...p.roles],
    ...(p.departmentId !== undefined && { departmentId: p.departmentId }),
    ...(p.supervisorId !== undefined && { supervisorId: p.supervisorId }),
    ...(p.email !== undefined && { email: p.email }),
    ...(p.preferredPlatform !== undefined && { preferredPlatform: p.preferredPlatform }),
  };
}

function toPerson(doc: PersonDoc): Person {
  return {
    id: doc._id,
    name: doc.name,
    locale: doc.locale,
    roles: doc.roles,
    ...(doc.departmentId != null && { departmentId: doc.departmentId }),
    ...(doc.supervisorId != null && { supervisorId: doc.supervisorId }),
    ...(doc.email != null && { email: doc.email }),
    ...(doc.preferredPlatform != null && { preferredPlatform: doc.preferredPlatform }),
    identities: doc.identities.map((i) => ({ platform: i.platform, userId: i.userId, ...(i.email != null && { email: i.email }) })),
  };
}

function fromDepartment(d: Department): Omit<DepartmentDoc, 'position'> {
  return {
    _id: d.id,
    name: d.name,
    ...(d.nameZh !== undefined && { nameZh: d.nameZh }),
    ...(d.leadId !== undefined && { leadId: d.leadId }),
    ...(d.managerId !== undefined && { managerId: d.managerId }),
    onDuty: [...d.onDuty],
    homeConversations: d.homeConversations.map((c) => ({ ...c })),
    calendar: d.calendar,
  };
}

function toDepartment(doc: DepartmentDoc): Department {
  return {
    id: doc._id,
    name: doc.name,
    ...(doc.nameZh != null && { nameZh: doc.nameZh }),
    ...(doc.leadId != null && { leadId: doc.leadId }),
    ...(doc.managerId != null && { managerId: doc.managerId }),
    onDuty: doc.onDuty,
    homeConversations: doc.homeConversations.map((c) => ({
      platform: c.platform,
      conversationId: c.conversationId,
      ...(c.threadId != null && { threadId: c.threadId }),
      ...(c.messageId != null && { messageId: c.messageId }),
      ...(c.extras != null && { extras: c.extras }),
    })),
    calendar: doc.calendar,
  };
}
