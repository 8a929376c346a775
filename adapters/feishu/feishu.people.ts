// Who a Feishu user is to Duban: the directory person behind an open_id
// (linked identity, then union_id, then the e-mail from the contact API, which
// links the identity for next time), in their language — Chinese first.
import type { AdapterContext, KnownPerson } from '../../src/core/chat-adapter.js';
import type { Actor, Locale } from '../../src/core/platform.js';
import type { FeishuApi, UserProfile } from './feishu.api.js';
import type { FeishuMention, FeishuUserIds } from './feishu.parse.js';

const PROFILE_TTL_MS = 10 * 60 * 1000;
const PROFILE_TIMEOUT_MS = 1500;
const MAX_CACHED = 5000;

export const DEFAULT_LOCALE: Locale = 'zh-CN';

export class FeishuPeople {
  private readonly profiles = new Map<string, { at: number; profile?: UserProfile }>();

  constructor(
    private readonly context: AdapterContext,
    private readonly api: FeishuApi,
    private readonly now: () => number = Date.now,
  ) {}

  async person(ids: FeishuUserIds & { open_id: string }): Promise<{ person?: KnownPerson; name?: string }> {
    let person = await this.context.identify('feishu', ids.open_id);
    // An organisation file may list union_ids (stable across a developer's apps).
    if (!person && ids.union_id) person = await this.context.identify('feishu', ids.union_id);
    if (person) return { person };
    const profile = await this.profile(ids.open_id);
    if (profile?.email) person = await this.context.identify('feishu', ids.open_id, profile.email);
    return { person, name: profile?.name };
  }

  async actor(ids: FeishuUserIds & { open_id: string }): Promise<Actor> {
    const { person, name } = await this.person(ids);
    return {
      platform: 'feishu',
      platformUserId: ids.open_id,
      displayName: person?.name ?? name ?? ids.open_id,
      personId: person?.id,
      locale: person?.locale ?? DEFAULT_LOCALE,
    };
  }

  /**
   * What each mention placeholder becomes in the command text: `@<person id>`
   * for people the directory knows (exact), else `@Name` (matched by name),
   * else `@<open_id>`. All are single words the command parser keeps together.
   */
  async mentionTexts(mentions: FeishuMention[], botOpenId: string | undefined): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const m of mentions) {
      if (!m.id.open_id || m.id.open_id === botOpenId) continue;
      const person = (await this.context.identify('feishu', m.id.open_id)) ?? (m.id.union_id ? await this.context.identify('feishu', m.id.union_id) : undefined);
      const name = m.name.trim();
      out.set(m.key, person ? `@${person.id}` : name && !/\s/.test(name) ? `@${name}` : `@${m.id.open_id}`);
    }
    return out;
  }

  /** Name and e-mail from the contact API, cached; undefined when the app may not read them. */
  private async profile(openId: string): Promise<UserProfile | undefined> {
    const cached = this.profiles.get(openId);
    if (cached && this.now() - cached.at < PROFILE_TTL_MS) return cached.profile;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), PROFILE_TIMEOUT_MS);
    });
    const profile = await Promise.race([this.api.profile(openId).catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
    if (this.profiles.size >= MAX_CACHED) this.profiles.delete(this.profiles.keys().next().value as string);
    this.profiles.set(openId, { at: this.now(), profile });
    return profile;
  }
}
