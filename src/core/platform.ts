// Who is talking, from where. These types are all the rest of Duban knows
// about a chat platform.
export const PLATFORMS = ['slack', 'teams', 'feishu', 'console'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** Where a message lives, so the bot can answer there, thread under it or update it. */
export interface ConversationRef {
  platform: Platform;
  /** Channel, chat or conversation id on the platform. */
  conversationId: string;
  /** Thread or reply-chain root, when the message is in one. */
  threadId?: string;
  /** The message itself, when known (used for links and in-place updates). */
  messageId?: string;
  /** Platform-specific extras an adapter needs to answer (service URL, tenant); opaque elsewhere. */
  extras?: Record<string, string>;
}

/** The person behind a command: their directory id once linked, and their platform identity. */
export interface Actor {
  platform: Platform;
  platformUserId: string;
  displayName: string;
  /** Directory person id; undefined for a chat user nobody has linked yet. */
  personId?: string;
  locale: Locale;
}

export function normaliseLocale(raw: string | undefined, fallback: Locale = 'en'): Locale {
  if (!raw) return fallback;
  const lower = raw.toLowerCase().replace('_', '-');
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return fallback;
}
