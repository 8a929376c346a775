// Suite `embedded-db`: basic throughput of the embedded server over the wire,
// and whether indexed lookups stay flat as the collection grows 10×.
import { MongoClient, ObjectId, type Collection, type Document } from 'mongodb';
import { startServer } from '../lib/server.js';
import { metric, now, opsPerSecond, rng, round, summarize, type Metric, type Suite, type SuiteContext } from '../lib/measure.js';

const SUITE = 'embedded-db';
const SMALL = 10_000;
const BIG = 100_000;
const BATCH = 1_000;
const PAD = 'x'.repeat(120);
const BASE_TIME = Date.UTC(2024, 0, 1);

function makeDoc(i: number): Document {
  return {
    _id: new ObjectId(),
    email: `user${i}@example.com`,
    n: i,
    u: i,
    name: `User ${i}`,
    team: `team-${i % 50}`,
    tags: ['alpha', 'beta'],
    createdAt: new Date(BASE_TIME + i * 1000),
    pad: PAD,
  };
}

async function prepare(coll: Collection): Promise<void> {
  await coll.createIndex({ email: 1 }, { unique: true });
  await coll.createIndex({ n: 1 });
}

/** Fills `coll` with docs [from, to) in insertMany batches; returns the elapsed ms. */
async function fill(coll: Collection, from: number, to: number, ids?: ObjectId[]): Promise<number> {
  let elapsed = 0;
  for (let i = from; i < to; i += BATCH) {
    const docs: Document[] = [];
    for (let j = i; j < Math.min(to, i + BATCH); j++) docs.push(makeDoc(j));
    if (ids) for (const d of docs) ids.push(d._id as ObjectId);
    const t = now();
    await coll.insertMany(docs, { ordered: true });
    elapsed += now() - t;
  }
  return elapsed;
}

type Query = (coll: Collection, size: number, r: () => number) => Promise<boolean>;

/**
 * Times `query` against the small and big collection in alternating blocks
 * (small, big, big, small, ...) so drift (JIT, GC, thermal) hits both alike.
 * Returns per-operation latencies in ms for each, plus how many answers were wrong.
 */
async function sideBySide(small: Collection, big: Collection, query: Query, rounds: number, perRound: number, seed: number) {
  const r = rng(seed);
  const lat: [number[], number[]] = [[], []];
  let wrong = 0;
  const targets: Array<[Collection, number, number]> = [
    [small, SMALL, 0],
    [big, BIG, 1],
  ];
  for (const [coll, size] of targets) for (let i = 0; i < Math.min(perRound, 50); i++) await query(coll, size, r); // warm-up
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const [coll, size, slot] of order) {
      for (let i = 0; i < perRound; i++) {
        const t = now();
        const ok = await query(coll, size, r);
        lat[slot].push(now() - t);
        if (!ok) wrong++;
      }
    }
  }
  return { small: summarize(lat[0]), big: summarize(lat[1]), wrong };
}

const eqQuery: Query = async (coll, size, r) => {
  const i = Math.floor(r() * size);
  const doc = await coll.findOne({ email: `user${i}@example.com` });
  return doc?.n === i;
};
const rangeQuery: Query = async (coll, size, r) => {
  const x = Math.floor(r() * (size - 10));
  const docs = await coll.find({ n: { $gte: x, $lt: x + 10 } }).toArray();
  return docs.length === 10;
};
const unindexedQuery: Query = async (coll, size, r) => {
  const i = Math.floor(r() * size);
  const doc = await coll.findOne({ u: i });
  return doc?.n === i;
};

export const embeddedDb: Suite = {
  name: SUITE,
  async run(ctx: SuiteContext): Promise<Metric[]> {
    const q = ctx.quick;
    const out: Metric[] = [];
    const server = await startServer({ profileDir: ctx.profileDir, label: SUITE });
    const client = await MongoClient.connect(server.uri, { maxPoolSize: 4 });
    try {
      const db = client.db('bench_embedded');
      await db.dropDatabase();

      // The floor every figure below sits on: one wire round trip that does no storage work.
      const pings: number[] = [];
      for (let i = 0; i < 300; i++) await db.command({ ping: 1 }); // warm-up (JIT on both sides)
      for (let i = 0; i < (q ? 500 : 2000); i++) {
        const t = now();
        await db.command({ ping: 1 });
        pings.push(now() - t);
      }
      const ping = summarize(pings);
      out.push(metric(SUITE, 'ping round trip p50 (the floor)', round(ping.p50 * 1000, 1), 'µs', undefined, { mean_ms: round(ping.mean, 4), p99_ms: round(ping.p99, 4) }));
      ctx.log(`ping: p50 ${round(ping.p50 * 1000, 1)} µs, avg ${round(ping.mean * 1000, 1)} µs`);

      // insertOne, each awaited before the next (same indexes as the lookup collections).
      const one = db.collection('insert_one');
      await prepare(one);
      const ins = await opsPerSecond((i) => one.insertOne(makeDoc(i)), q ? 1000 : 3000);
      out.push(metric(SUITE, 'insertOne, sequential', round(ins.perSec, 0), 'ops/s', undefined, { ops: ins.ops }));
      ctx.log(`insertOne: ${ins.ops} docs, ${round(ins.perSec, 0)} ops/s`);

      // insertMany in batches of 1,000: this also builds the 10k and 100k collections.
      const small = db.collection('docs_10k');
      const big = db.collection('docs_100k');
      await prepare(small);
      await prepare(big);
      const bigIds: ObjectId[] = [];
      const msSmall = await fill(small, 0, SMALL);
      const msBig = await fill(big, 0, BIG, bigIds);
      const docsPerSec = ((SMALL + BIG) * 1000) / (msSmall + msBig);
      const perSecSmall = (SMALL * 1000) / msSmall;
      const perSecBig = (BIG * 1000) / msBig;
      out.push(
        metric(SUITE, `insertMany, batches of ${BATCH.toLocaleString('en-US')}`, round(docsPerSec, 0), 'docs/s', undefined, {
          batchesPerSec: round(docsPerSec / BATCH, 2),
          docsPerSecFilling10k: round(perSecSmall, 0),
          docsPerSecFilling100k: round(perSecBig, 0),
        }),
      );
      ctx.log(`insertMany: ${SMALL + BIG} docs in ${round((msSmall + msBig) / 1000, 1)} s (filling 0→10k ${round(perSecSmall, 0)}/s, 0→100k ${round(perSecBig, 0)}/s)`);

      // Point lookups on the 100k collection: by _id and by an indexed field, in alternating blocks so both see the same conditions.
      const r = rng(7);
      const lookups: Array<() => Promise<unknown>> = [
        () => big.findOne({ _id: bigIds[Math.floor(r() * bigIds.length)] }),
        () => big.findOne({ email: `user${Math.floor(r() * BIG)}@example.com` }),
      ];
      for (let i = 0; i < 300; i++) for (const op of lookups) await op(); // warm-up
      const spent = [0, 0];
      const count = [0, 0];
      const budget = q ? 2000 : 5000;
      for (let block = 0; spent[0] + spent[1] < budget; block++) {
        const k = block % 2;
        const t = now();
        for (let i = 0; i < 200; i++) await lookups[k]();
        spent[k] += now() - t;
        count[k] += 200;
      }
      const [byId, byField] = [0, 1].map((k) => (count[k] * 1000) / spent[k]);
      out.push(metric(SUITE, 'findOne by _id (100k docs)', round(byId, 0), 'ops/s', undefined, { ops: count[0] }));
      out.push(metric(SUITE, 'findOne by indexed field (100k docs)', round(byField, 0), 'ops/s', undefined, { ops: count[1] }));
      ctx.log(`findOne _id ${round(byId, 0)}/s, indexed field ${round(byField, 0)}/s`);

      // Scaling: the same query shape at 10k and at 100k, measured side by side.
      const cases: Array<[string, string, Query, number, number, { op: '<=' | '>='; limit: number }]> = [
        ['indexed equality findOne', 'idx-eq', eqQuery, q ? 4 : 10, q ? 150 : 300, { op: '<=', limit: 1.5 }],
        ['indexed range find (10 docs)', 'idx-range', rangeQuery, q ? 4 : 10, q ? 150 : 300, { op: '<=', limit: 1.5 }],
        // Contrast: a full scan must show up as roughly 10× (diluted by the round trip); ≥ 3× proves the measurement sees scans.
      ['unindexed findOne (contrast)', 'unindexed', unindexedQuery, q ? 2 : 4, q ? 15 : 25, { op: '>=', limit: 3 }],
      ];
      for (const [label, key, query, rounds, perRound, target] of cases) {
        const res = await sideBySide(small, big, query, rounds, perRound, key.length * 31);
        const ratio = res.big.mean / res.small.mean;
        const detail = { samplesEach: res.small.n, p50_10k_ms: round(res.small.p50, 4), p50_100k_ms: round(res.big.p50, 4), wrongAnswers: res.wrong };
        out.push(metric(SUITE, `${label}: avg @10k`, round(res.small.mean * 1000, 1), 'µs', undefined, detail));
        out.push(metric(SUITE, `${label}: avg @100k`, round(res.big.mean * 1000, 1), 'µs', undefined, detail));
        const ratioName = key === 'unindexed' ? `${label}: ratio 100k/10k (sanity)` : `${label}: ratio 100k/10k`;
        out.push(metric(SUITE, ratioName, round(ratio, 2), '×', target, detail));
        if (res.wrong) ctx.log(`WARNING: ${res.wrong} wrong answers in ${label}`);
        ctx.log(`${label}: ${round(res.small.mean * 1000, 1)} µs @10k, ${round(res.big.mean * 1000, 1)} µs @100k, ratio ${round(ratio, 2)}`);
      }
    } finally {
      await client.close().catch(() => undefined);
      await server.stop();
    }
    return out;
  },
};
