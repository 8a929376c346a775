// Parity: the mongoose features the application uses, end to end over the wire.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import mongoose, { Schema, type Connection, type Types } from 'mongoose';
import { ObjectId } from 'mongodb';
import { rejection, startTestDatabase, type TestDatabase } from '../support/mongo.js';

interface User {
  email: string;
  name?: string;
  age?: number;
  roles: string[];
  createdAt: Date;
  updatedAt: Date;
}
interface Post {
  title: string;
  author: Types.ObjectId;
}

let tdb: TestDatabase;
let conn: Connection;
let User: mongoose.Model<User>;
let Post: mongoose.Model<Post>;

beforeAll(async () => {
  tdb = await startTestDatabase('mgs');
  conn = await mongoose.createConnection(tdb.uri, { dbName: tdb.dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
  const userSchema = new Schema<User>(
    {
      email: { type: String, required: true, unique: true },
      name: String,
      age: Number,
      roles: [String],
    },
    { timestamps: true, optimisticConcurrency: true },
  );
  userSchema.index({ name: 1, age: -1 });
  User = conn.model<User>('User', userSchema);
  Post = conn.model<Post>('Post', new Schema<Post>({ title: String, author: { type: Schema.Types.ObjectId, ref: 'User' } }));
  await User.init();
  await Post.init();
});
afterAll(async () => {
  await conn?.close();
  await tdb?.stop();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('schema indexes', () => {
  it('builds the unique and compound indexes declared on the schema', async () => {
    const indexes = await User.collection.listIndexes().toArray();
    expect(indexes.map((i) => i.name).sort()).toEqual(['_id_', 'email_1', 'name_1_age_-1']);
    expect(indexes.find((i) => i.name === 'email_1')).toMatchObject({ key: { email: 1 }, unique: true });
    expect(indexes.find((i) => i.name === 'name_1_age_-1')).toMatchObject({ key: { name: 1, age: -1 } });
  });

  it('rejects a duplicate unique value with E11000', async () => {
    await User.create({ email: 'dup@x', name: 'first' });
    const err = await rejection(User.create({ email: 'dup@x', name: 'second' }));
    expect(err.name).toBe('MongoServerError');
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ email: 'dup@x' });
    expect(await User.countDocuments({ email: 'dup@x' })).toBe(1);
  });
});

describe('documents', () => {
  it('save() stores timestamps and the version key', async () => {
    const u = await User.create({ email: 'ann@x', name: 'Ann', age: 30 });
    expect(u.__v).toBe(0);
    expect(u.createdAt).toBeInstanceOf(Date);
    expect(u.updatedAt.getTime()).toBe(u.createdAt.getTime());
    const raw = await User.collection.findOne({ _id: u._id });
    expect(raw).toEqual({
      _id: u._id,
      email: 'ann@x',
      name: 'Ann',
      age: 30,
      roles: [],
      createdAt: u.createdAt,
      updatedAt: u.updatedAt,
      __v: 0,
    });
  });

  it('optimistic concurrency: a stale save fails with VersionError', async () => {
    const created = await User.create({ email: 'occ@x', name: 'v0' });
    const a = (await User.findById(created._id))!;
    const b = (await User.findById(created._id))!;
    await pause(5);
    a.name = 'from-a';
    await a.save();
    expect(a.__v).toBe(1);
    expect(a.updatedAt.getTime()).toBeGreaterThan(a.createdAt.getTime());
    b.name = 'from-b';
    const err = await rejection(b.save());
    expect(err).toBeInstanceOf(mongoose.Error.VersionError);
    const stored = (await User.findById(created._id).lean())!;
    expect(stored.name).toBe('from-a');
    expect(stored.__v).toBe(1);
  });

  it('array changes bump the version', async () => {
    const u = await User.create({ email: 'arr@x' });
    u.roles.push('admin');
    await u.save();
    expect(u.__v).toBe(1);
    expect((await User.findById(u._id).lean())!.roles).toEqual(['admin']);
  });

  it('findOneAndUpdate with a __v precondition applies once', async () => {
    const u = await User.create({ email: 'cas@x', name: 'start' });
    await pause(5);
    const first = await User.findOneAndUpdate(
      { _id: u._id, __v: 0 },
      { $set: { name: 'one' }, $inc: { __v: 1 } },
      { returnDocument: 'after' },
    );
    expect(first).not.toBeNull();
    expect(first!.name).toBe('one');
    expect(first!.__v).toBe(1);
    expect(first!.updatedAt.getTime()).toBeGreaterThan(u.updatedAt.getTime());
    expect(first!.createdAt.getTime()).toBe(u.createdAt.getTime());
    const second = await User.findOneAndUpdate({ _id: u._id, __v: 0 }, { $set: { name: 'two' }, $inc: { __v: 1 } }, { returnDocument: 'after' });
    expect(second).toBeNull();
    expect((await User.findById(u._id).lean())!).toMatchObject({ name: 'one', __v: 1 });
  });

  it('findOneAndUpdate with upsert applies timestamps on insert', async () => {
    const doc = await User.findOneAndUpdate({ email: 'ups@x' }, { $set: { name: 'U' } }, { upsert: true, returnDocument: 'after' });
    expect(doc).toMatchObject({ email: 'ups@x', name: 'U' });
    expect(doc!.createdAt).toBeInstanceOf(Date);
    expect(doc!.updatedAt).toBeInstanceOf(Date);
  });
});

describe('queries', () => {
  it('populate resolves references', async () => {
    const author = await User.create({ email: 'author@x', name: 'Writer' });
    await Post.create([
      { title: 'p1', author: author._id },
      { title: 'p2', author: author._id },
      { title: 'orphan', author: new ObjectId() },
    ]);
    const p1 = await Post.findOne({ title: 'p1' }).populate<{ author: User }>('author');
    expect(p1!.author.email).toBe('author@x');
    const posts = await Post.find()
      .sort({ title: 1 })
      .populate<{ author: User | null }>({ path: 'author', select: 'name -_id' })
      .lean();
    expect(posts.map((p) => [p.title, p.author])).toEqual([
      ['orphan', null],
      ['p1', { name: 'Writer' }],
      ['p2', { name: 'Writer' }],
    ]);
  });

  it('lean returns plain objects', async () => {
    await User.create({ email: 'lean@x', age: 41 });
    const doc = await User.findOne({ email: 'lean@x' }).lean();
    expect(doc).not.toBeNull();
    expect(doc instanceof mongoose.Document).toBe(false);
    expect(doc!._id).toBeInstanceOf(ObjectId);
    expect(doc!.createdAt).toBeInstanceOf(Date);
    expect(doc).toMatchObject({ email: 'lean@x', age: 41, roles: [], __v: 0 });
  });

  it('Model.aggregate runs a pipeline', async () => {
    await User.insertMany([
      { email: 'g1@x', age: 20, roles: ['a'] },
      { email: 'g2@x', age: 40, roles: ['a', 'b'] },
      { email: 'g3@x', age: 60 },
    ]);
    const out = await User.aggregate<{ _id: string; n: number; avgAge: number }>([
      { $match: { email: /^g\d@x$/ } },
      { $unwind: '$roles' },
      { $group: { _id: '$roles', n: { $sum: 1 }, avgAge: { $avg: '$age' } } },
      { $sort: { _id: 1 } },
    ]);
    expect(out).toEqual([
      { _id: 'a', n: 2, avgAge: 30 },
      { _id: 'b', n: 1, avgAge: 40 },
    ]);
  });

  it('countDocuments, exists, updateMany and deleteMany', async () => {
    await User.insertMany([{ email: 'q1@x', age: 1 }, { email: 'q2@x', age: 2 }, { email: 'q3@x', age: 3 }]);
    expect(await User.countDocuments({ email: /^q\d@x$/ })).toBe(3);
    expect(await User.exists({ email: 'q2@x' })).toMatchObject({ _id: expect.any(ObjectId) });
    expect(await User.exists({ email: 'nobody@x' })).toBeNull();
    const upd = await User.updateMany({ email: /^q\d@x$/, age: { $gte: 2 } }, { $inc: { age: 10 } });
    expect(upd).toMatchObject({ acknowledged: true, matchedCount: 2, modifiedCount: 2, upsertedCount: 0 });
    const del = await User.deleteMany({ email: /^q\d@x$/ });
    expect(del).toMatchObject({ acknowledged: true, deletedCount: 3 });
  });
});

describe('syncIndexes', () => {
  it('drops indexes not in the schema, recreates changed ones, and is then idempotent', async () => {
    const schema = new Schema({ name: String, old: String }, { autoIndex: false, autoCreate: false });
    schema.index({ name: 1 }, { unique: true });
    const Legacy = conn.model('Legacy', schema);
    await Legacy.createCollection();
    await Legacy.collection.createIndex({ old: 1 });
    await Legacy.collection.createIndex({ name: 1 });
    const dropped = await Legacy.syncIndexes();
    expect([...dropped].sort()).toEqual(['name_1', 'old_1']);
    const indexes = await Legacy.collection.listIndexes().toArray();
    expect(indexes.map((i) => i.name).sort()).toEqual(['_id_', 'name_1']);
    expect(indexes.find((i) => i.name === 'name_1')).toMatchObject({ key: { name: 1 }, unique: true });
    expect(await Legacy.syncIndexes()).toEqual([]);
    expect(await Legacy.diffIndexes()).toEqual({ toDrop: [], toCreate: [] });
  });
});
