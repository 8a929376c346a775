// The adapter-test context for Teams: the shared FakeAdapterContext plus a real
// in-memory conversation store, because Teams can only post where it keeps a
// conversation reference.
import type { ConversationStore } from '../../src/core/chat-adapter.js';
import type { ConversationRef, Platform } from '../../src/core/platform.js';
import { FakeAdapterContext } from './fake-adapter-context.js';

export class InMemoryConversationStore implements ConversationStore {
  readonly refs = new Map<string, ConversationRef>();
  saves = 0;

  async save(platform: Platform, key: string, ref: ConversationRef): Promise<void> {
    this.saves++;
    this.refs.set(`${platform}/${key}`, structuredClone(ref));
  }

  async get(platform: Platform, key: string): Promise<ConversationRef | undefined> {
    const ref = this.refs.get(`${platform}/${key}`);
    return ref ? structuredClone(ref) : undefined;
  }
}

export class FakeTeamsContext extends FakeAdapterContext {
  /** The conversation store the adapter sees as `conversations`. */
  readonly store = new InMemoryConversationStore();

  constructor() {
    super();
    Object.assign(this, { conversations: this.store });
  }
}
