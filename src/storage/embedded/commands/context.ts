// What every command handler receives, and the registry type.
import type { Catalog } from '../engine/catalog.js';
import type { CursorStore } from './cursors.js';
import { ErrorCodes, fail } from '../engine/errors.js';

export type Doc = Record<string, unknown>;

export interface CommandContext {
  catalog: Catalog;
  cursors: CursorStore;
  /** Database the command runs against (`$db`). */
  db: string;
  connectionId: number;
  startedAt: Date;
  /** Names and handlers of every command the server knows (for listCommands). */
  commandNames: () => string[];
}

/** Commands received since start, by `name` or `name collection` (serverStatus `metrics.commandsByNamespace`). */
export const commandCounts = new Map<string, number>();

export type CommandHandler = (ctx: CommandContext, cmd: Doc) => Doc | Promise<Doc>;
export type CommandTable = Record<string, CommandHandler>;

/** The collection name a command targets (its first field's value). */
export function targetCollection(cmd: Doc, name: string): string {
  const value = cmd[name];
  if (typeof value !== 'string' || value.length === 0)
    fail(ErrorCodes.InvalidNamespace, `collection name has invalid type ${value === undefined ? 'missing' : typeof value}`);
  return value;
}

export function optionalDoc(cmd: Doc, field: string): Doc | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) fail(ErrorCodes.TypeMismatch, `BSON field '${field}' is the wrong type, expected type 'object'`);
  return v as Doc;
}

export function optionalInt(cmd: Doc, field: string): number | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) fail(ErrorCodes.TypeMismatch, `BSON field '${field}' is the wrong type, expected a number`);
  return Math.trunc(n);
}
