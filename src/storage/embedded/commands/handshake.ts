// Handshake and server-information commands: what drivers, mongosh and
// Compass ask before doing anything else. We answer as a standalone
// MongoDB 7.0 would (no replica-set fields: the driver must see a standalone).
import { MAX_BSON_OBJECT_BYTES, MAX_MESSAGE_BYTES } from '../wire/codec.js';
import { commandCounts, type CommandTable, type CommandContext, type Doc } from './context.js';
import os from 'node:os';

export const SERVER_VERSION = '7.0.0';
const MAX_WIRE_VERSION = 21;

function hello(ctx: CommandContext, legacyName: boolean): Doc {
  return {
    ...(legacyName ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_BYTES,
    maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

export const handshakeCommands: CommandTable = {
  hello: (ctx) => hello(ctx, false),
  ismaster: (ctx) => hello(ctx, true),
  isMaster: (ctx) => hello(ctx, true),
  ping: () => ({ ok: 1 }),
  buildInfo: () => buildInfo(),
  buildinfo: () => buildInfo(),
  getParameter: (_ctx, cmd) => ({
    ...(cmd.featureCompatibilityVersion || cmd.getParameter === '*' ? { featureCompatibilityVersion: { version: '7.0' } } : {}),
    ok: 1,
  }),
  getCmdLineOpts: () => ({ argv: process.argv, parsed: {}, ok: 1 }),
  hostInfo: () => ({
    system: { hostname: os.hostname(), numCores: os.cpus().length, memSizeMB: Math.round(os.totalmem() / 1048576) },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    ok: 1,
  }),
  whatsmyuri: (ctx) => ({ you: `connection ${ctx.connectionId}`, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  serverStatus: (ctx) => ({
    host: os.hostname(),
    version: SERVER_VERSION,
    process: 'duban-embedded-mongo',
    pid: process.pid,
    uptime: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
    localTime: new Date(),
    connections: {},
    storageEngine: { name: ctx.catalog.durable ? 'journal' : 'inMemory', persistent: ctx.catalog.durable },
    // Commands answered since start, by name and target collection (for profiling a client's traffic).
    metrics: { commandsByNamespace: Object.fromEntries([...commandCounts].sort((a, b) => b[1] - a[1])) },
    ok: 1,
  }),
  endSessions: () => ({ ok: 1 }),
  killSessions: () => ({ ok: 1 }),
  killAllSessions: () => ({ ok: 1 }),
  refreshSessions: () => ({ ok: 1 }),
  listCommands: (ctx) => ({ commands: Object.fromEntries(ctx.commandNames().map((n) => [n, {}])), ok: 1 }),
};

function buildInfo(): Doc {
  return {
    version: SERVER_VERSION,
    versionArray: [7, 0, 0, 0],
    gitVersion: 'duban-embedded',
    modules: [],
    storageEngines: ['inMemory', 'journal'],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_BYTES,
    ok: 1,
  };
}
