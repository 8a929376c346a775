// Entity map of the unified test format: the named clients, databases,
// collections and sessions a test's operations run against.
import {
  Collection,
  Db,
  MongoClient,
  ReadConcern,
  ReadPreference,
  WriteConcern,
  type ClientSession,
  type MongoClientOptions,
} from 'mongodb';
import type { Doc, EntityDefinition } from './spec-types.js';

export interface EntityContext {
  /** Connection string of the server under test. */
  uri: string;
  /** Maps a database name used by the spec file to the one used on the server. */
  databaseName(specName: string): string;
  /** Extra options for every client entity (timeouts). */
  clientOptions?: MongoClientOptions;
}

type Entity = MongoClient | Db | Collection<Doc> | ClientSession | unknown;

export class EntityMap {
  private readonly entries = new Map<string, Entity>();
  private readonly clients: MongoClient[] = [];
  private readonly sessions: ClientSession[] = [];

  set(id: string, value: Entity): void {
    if (this.entries.has(id)) throw new Error(`entity ${id} is already defined`);
    this.entries.set(id, value);
  }

  get(id: string): unknown {
    if (!this.entries.has(id)) throw new Error(`entity ${id} is not defined`);
    return this.entries.get(id);
  }

  client(id: string): MongoClient {
    return this.typed(id, MongoClient, 'client');
  }

  database(id: string): Db {
    return this.typed(id, Db, 'database');
  }

  collection(id: string): Collection<Doc> {
    return this.typed(id, Collection, 'collection') as Collection<Doc>;
  }

  session(id: string): ClientSession {
    const value = this.get(id) as ClientSession;
    if (!this.sessions.includes(value)) throw new Error(`entity ${id} is not a session`);
    return value;
  }

  /** Ends sessions and closes clients created for the test. */
  async close(): Promise<void> {
    for (const s of this.sessions) await s.endSession().catch(() => undefined);
    for (const c of this.clients) await c.close().catch(() => undefined);
    this.entries.clear();
  }

  async create(definitions: EntityDefinition[], ctx: EntityContext): Promise<void> {
    for (const def of definitions) {
      const [type, spec] = Object.entries(def)[0] as [string, Doc];
      switch (type) {
        case 'client': {
          const client = new MongoClient(withUriOptions(ctx.uri, spec.uriOptions), { ...ctx.clientOptions });
          this.clients.push(client);
          await client.connect();
          this.set(spec.id, client);
          break;
        }
        case 'database':
          this.set(spec.id, this.client(spec.client).db(ctx.databaseName(spec.databaseName), concernOptions(spec.databaseOptions)));
          break;
        case 'collection':
          this.set(spec.id, this.database(spec.database).collection(spec.collectionName, concernOptions(spec.collectionOptions)));
          break;
        case 'session': {
          const session = this.client(spec.client).startSession(spec.sessionOptions ?? {});
          this.sessions.push(session);
          this.set(spec.id, session);
          break;
        }
        default:
          throw new Error(`entity type ${type} is not supported by this runner`);
      }
    }
  }

  private typed<T>(id: string, cls: abstract new (...args: any[]) => T, what: string): T {
    const value = this.get(id);
    if (!(value instanceof cls)) throw new Error(`entity ${id} is not a ${what}`);
    return value;
  }
}

/** Appends the entity's URI options to the connection string's query. */
export function withUriOptions(uri: string, options: Doc | undefined): string {
  if (!options || Object.keys(options).length === 0) return uri;
  const query = Object.entries(options)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  if (uri.includes('?')) return `${uri}&${query}`;
  const afterScheme = uri.slice(uri.indexOf('://') + 3);
  return afterScheme.includes('/') ? `${uri}?${query}` : `${uri}/?${query}`;
}

/** readConcern / readPreference / writeConcern options of a database or collection entity. */
export function concernOptions(options: Doc | undefined): Doc {
  if (!options) return {};
  const out: Doc = {};
  if (options.readConcern) out.readConcern = new ReadConcern(options.readConcern.level);
  if (options.writeConcern) out.writeConcern = WriteConcern.fromOptions({ writeConcern: options.writeConcern });
  if (options.readPreference) {
    const { mode, tagSets, maxStalenessSeconds, hedge } = options.readPreference;
    out.readPreference = new ReadPreference(mode, tagSets, { maxStalenessSeconds, hedge });
  }
  for (const key of Object.keys(options)) {
    if (!['readConcern', 'writeConcern', 'readPreference'].includes(key)) throw new Error(`entity option ${key} is not supported`);
  }
  return out;
}
