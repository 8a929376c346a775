// Conversation references: Teams only lets a bot post where it has been
// (service URL, tenant, conversation id), so every conversation the bot is
// installed in or talked to in is remembered — people under `user:<id>`,
// channels and group chats under `channel:<id>`, and the last service URL of
// each tenant under `tenant:<id>` (to open personal chats later).
import type { ConversationStore } from '../../src/core/chat-adapter.js';
import type { ConversationRef } from '../../src/core/platform.js';
import type { Logger } from '../../src/core/logger.js';
import { conversationRefOf, referenceKey, tenantOf, userIdOf, type TeamsActivity } from './teams.parse.js';

const DEFAULT_TENANT_KEY = 'tenant:default';

/** A reference that says where a conversation is, without the message or thread it was seen in. */
function conversationOnly(ref: ConversationRef): ConversationRef {
  return { platform: ref.platform, conversationId: ref.conversationId, ...(ref.extras ? { extras: ref.extras } : {}) };
}

export class ReferenceBook {
  /** What was last written per key, so a busy conversation is not re-saved on every message. */
  private readonly written = new Map<string, string>();

  constructor(
    private readonly store: ConversationStore,
    private readonly logger: Logger,
  ) {}

  /** Remembers where an activity came from (a failure is logged: answering matters more). */
  async remember(activity: TeamsActivity): Promise<void> {
    const ref = conversationOnly(conversationRefOf(activity));
    const writes = [this.save(referenceKey(ref, userIdOf(activity.from)), ref)];
    const tenantId = tenantOf(activity);
    if (ref.extras?.serviceUrl) {
      const tenantRef: ConversationRef = {
        platform: 'teams',
        conversationId: '',
        extras: { serviceUrl: ref.extras.serviceUrl, ...(tenantId ? { tenantId } : {}), ...(ref.extras.botId ? { botId: ref.extras.botId } : {}) },
      };
      if (tenantId) writes.push(this.save(`tenant:${tenantId}`, tenantRef));
      writes.push(this.save(DEFAULT_TENANT_KEY, tenantRef));
    }
    await Promise.all(writes);
  }

  async save(key: string, ref: ConversationRef): Promise<void> {
    const json = JSON.stringify(ref);
    if (this.written.get(key) === json) return;
    try {
      await this.store.save('teams', key, ref);
      this.written.set(key, json);
      if (this.written.size > 10_000) this.written.delete(this.written.keys().next().value as string);
    } catch (err) {
      this.logger.warn({ err, key }, 'could not store a Teams conversation reference');
    }
  }

  get(key: string): Promise<ConversationRef | undefined> {
    return this.store.get('teams', key);
  }

  /** The tenant's service URL and bot id (the configured tenant first, else the last one seen). */
  async tenant(tenantId?: string): Promise<ConversationRef | undefined> {
    return (tenantId ? await this.get(`tenant:${tenantId}`) : undefined) ?? (await this.get(DEFAULT_TENANT_KEY));
  }
}
