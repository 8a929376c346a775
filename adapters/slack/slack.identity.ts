// Who a Slack user is: the directory person behind a linked Slack id, else the
// person with the same e-mail (which then gets linked), else a stranger who
// may still open tickets. Slack's profile (e-mail, locale, name) is fetched
// only for users not linked yet, and kept for ten minutes.
import type { AdapterContext } from '../../src/core/chat-adapter.js';
import type { Clock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/logger.js';
import { normaliseLocale, type Actor } from '../../src/core/platform.js';
import type { WebClient } from './slack.client.js';

const PROFILE_TTL_MS = 10 * 60 * 1000;
/** A failed lookup is retried sooner than a successful one expires. */
const FAILED_PROFILE_TTL_MS = 30 * 1000;

interface Profile {
  email?: string;
  locale?: string;
  name?: string;
}

export class SlackIdentities {
  private readonly profiles = new Map<string, { profile: Profile; expires: number }>();

  constructor(
    private readonly deps: { web: WebClient; context: AdapterContext; clock: Clock; logger: Logger },
  ) {}

  /** The actor for a Slack user; `fallbackName` is the name the payload carried, if any. */
  async actor(userId: string, fallbackName?: string): Promise<Actor> {
    try {
      return await this.resolve(userId, fallbackName);
    } catch (err) {
      // The command router looks the person up by identity again, so a stranger-shaped actor is safe here.
      this.deps.logger.warn({ err: (err as Error).message, userId }, 'could not identify a Slack user');
      return { platform: 'slack', platformUserId: userId, displayName: fallbackName ?? userId, locale: 'en' };
    }
  }

  private async resolve(userId: string, fallbackName?: string): Promise<Actor> {
    const { context } = this.deps;
    const linked = await context.identify('slack', userId);
    if (linked) return { platform: 'slack', platformUserId: userId, displayName: linked.name, personId: linked.id, locale: linked.locale };
    const profile = await this.profile(userId);
    const byEmail = profile.email ? await context.identify('slack', userId, profile.email) : undefined;
    if (byEmail) return { platform: 'slack', platformUserId: userId, displayName: byEmail.name, personId: byEmail.id, locale: byEmail.locale };
    return { platform: 'slack', platformUserId: userId, displayName: profile.name ?? fallbackName ?? userId, locale: normaliseLocale(profile.locale) };
  }

  private async profile(userId: string): Promise<Profile> {
    const now = this.deps.clock.now().getTime();
    const cached = this.profiles.get(userId);
    if (cached && cached.expires > now) return cached.profile;
    let profile: Profile = {};
    let ttl = PROFILE_TTL_MS;
    try {
      const res = await this.deps.web.users.info({ user: userId, include_locale: true });
      const user = res.user;
      profile = {
        email: user?.profile?.email || undefined,
        locale: user?.locale || undefined,
        name: user?.profile?.display_name || user?.real_name || user?.name || undefined,
      };
    } catch (err) {
      // Without the profile the user is simply treated as unlinked, in English, for now.
      this.deps.logger.warn({ err: (err as Error).message, userId }, 'slack users.info failed');
      ttl = FAILED_PROFILE_TTL_MS;
    }
    this.profiles.set(userId, { profile, expires: now + ttl });
    if (this.profiles.size > 10_000) this.prune(now);
    return profile;
  }

  private prune(now: number): void {
    for (const [id, entry] of this.profiles) if (entry.expires <= now) this.profiles.delete(id);
  }
}
