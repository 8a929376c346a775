// Routes a decoded command document to its handler and turns every failure
// into a MongoDB error reply; nothing a client sends can throw past here.
import { MongoCommandError, ErrorCodes } from '../engine/errors.js';
import { commandCounts, type CommandContext, type CommandTable, type Doc } from './context.js';
import { handshakeCommands } from './handshake.js';
import { crudCommands } from './crud.js';
import { findCommands } from './find.js';
import { indexCommands } from './indexes.js';
import { collectionCommands } from './collections.js';
import { aggregateCommands } from './aggregate.js';

const COMMANDS: CommandTable = {
  ...handshakeCommands,
  ...crudCommands,
  ...findCommands,
  ...indexCommands,
  ...collectionCommands,
  ...aggregateCommands,
  abortTransaction: () => refuseTransaction(),
  commitTransaction: () => refuseTransaction(),
};

function refuseTransaction(): never {
  throw new MongoCommandError(ErrorCodes.IllegalOperation, 'Transaction numbers are only allowed on a replica set member or mongos');
}

export const commandNames = (): string[] => Object.keys(COMMANDS);

export type DispatchContext = Omit<CommandContext, 'db' | 'commandNames'>;

function count(name: string, cmd: Doc): void {
  const target = cmd[name];
  const key = typeof target === 'string' && name !== 'hello' && name !== 'isMaster' && name !== 'ismaster' ? `${name} ${target}` : name;
  commandCounts.set(key, (commandCounts.get(key) ?? 0) + 1);
}

export async function dispatch(base: DispatchContext, db: string, cmd: Doc, log?: (err: unknown, name: string) => void): Promise<Doc> {
  const name = Object.keys(cmd)[0];
  const handler = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!handler) {
    return new MongoCommandError(ErrorCodes.CommandNotFound, `no such command: '${name ?? ''}'`).toReply();
  }
  count(name!, cmd);
  try {
    const reply = await handler({ ...base, db, commandNames }, cmd);
    await base.catalog.commit();
    return reply;
  } catch (err) {
    // Whatever a failed command queued before failing (e.g. earlier statements of a batch) is still made durable.
    await base.catalog.commit().catch(() => undefined);
    if (err instanceof MongoCommandError) return err.toReply();
    log?.(err, name!);
    return { ok: 0, errmsg: `internal error in ${name}: ${(err as Error)?.message ?? String(err)}`, code: ErrorCodes.InternalError, codeName: 'InternalError' };
  }
}
