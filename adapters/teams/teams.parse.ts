// Teams activities → the pieces of a neutral InboundCommand: who, where, which
// text or card action. Pure functions: no network, no SDK calls, so every rule
// (mention stripping by entity, thread ids, card submits) is unit-tested here.
import type { CardAction } from '../../src/core/inbound.js';
import { normaliseLocale, type ConversationRef, type Locale } from '../../src/core/platform.js';

/** The key in a card action's data that names the command verb (Action.Submit has no verb of its own). */
export const ACTION_MARKER = 'dubanAction';

/** What Duban reads of an activity; everything else is ignored. */
export interface TeamsAccount {
  id: string;
  name?: string;
  aadObjectId?: string;
}

export interface TeamsEntity {
  type?: string;
  text?: string;
  mentioned?: TeamsAccount;
  [key: string]: unknown;
}

export interface TeamsActivity {
  type: string;
  id?: string;
  name?: string;
  text?: string;
  locale?: string;
  serviceUrl: string;
  channelId?: string;
  replyToId?: string;
  from: TeamsAccount;
  recipient: TeamsAccount;
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean; name?: string };
  entities?: TeamsEntity[];
  value?: unknown;
  channelData?: {
    tenant?: { id?: string };
    team?: { id?: string; name?: string };
    channel?: { id?: string; name?: string };
    [key: string]: unknown;
  };
  membersAdded?: TeamsAccount[];
}

/** A person mentioned in a command (not the bot): the markup as typed and who it points at. */
export interface Mention {
  /** The markup in the text, e.g. `<at>Zhang Wei</at>`. */
  text: string;
  userId: string;
  name: string;
  aadObjectId?: string;
}

export function deliveryIdOf(activity: TeamsActivity): string {
  return `teams:${activity.id ?? ''}`;
}

export function localeOf(activity: TeamsActivity): Locale {
  const fromEntity = activity.entities?.find((e) => e.type === 'clientInfo')?.locale;
  return normaliseLocale(activity.locale ?? (typeof fromEntity === 'string' ? fromEntity : undefined));
}

/** The user's stable id: the Azure AD object id where Teams gives one, else the channel account id. */
export function userIdOf(account: TeamsAccount): string {
  return account.aadObjectId ?? account.id;
}

export function tenantOf(activity: TeamsActivity): string | undefined {
  return activity.conversation.tenantId ?? activity.channelData?.tenant?.id ?? undefined;
}

const mentionMarkup = (entity: TeamsEntity): string => entity.text ?? `<at>${entity.mentioned?.name ?? ''}</at>`;

function mentionEntities(activity: TeamsActivity): TeamsEntity[] {
  return (activity.entities ?? []).filter((e) => e.type === 'mention' && typeof e.mentioned?.id === 'string');
}

/** True when the bot itself is mentioned (by entity: the mention whose id is the recipient's). */
export function mentionsBot(activity: TeamsActivity): boolean {
  return mentionEntities(activity).some((e) => e.mentioned?.id === activity.recipient.id);
}

/** People (not the bot) mentioned in the message, in the order Teams lists them. */
export function otherMentions(activity: TeamsActivity): Mention[] {
  return mentionEntities(activity)
    .filter((e) => e.mentioned?.id !== activity.recipient.id)
    .map((e) => ({
      text: mentionMarkup(e),
      userId: e.mentioned!.id,
      name: (e.mentioned!.name ?? '').trim(),
      ...(e.mentioned!.aadObjectId ? { aadObjectId: e.mentioned!.aadObjectId } : {}),
    }));
}

/** A token the directory's findPerson understands: `@<person id>` when known, else the `<at>Name</at>` form as one word. */
export function mentionToken(mention: Pick<Mention, 'name'>, personId?: string): string {
  if (personId) return `@${personId}`;
  const name = mention.name.replace(/["“”]/g, '').trim();
  if (!name) return '';
  const markup = `<at>${name}</at>`;
  return /\s/.test(name) ? `"${markup}"` : markup;
}

function replaceOnce(text: string, find: string, replacement: string): string {
  if (!find) return text;
  const at = text.indexOf(find);
  return at < 0 ? text : text.slice(0, at) + replacement + text.slice(at + find.length);
}

/**
 * The command text of a message: the bot's own mention removed (located by its entity,
 * never by the bot's name, which may also appear in the text), and each other mention
 * replaced by the token given for it (see mentionToken).
 */
export function commandText(activity: TeamsActivity, replacements: ReadonlyMap<string, string> = new Map()): string {
  let text = (activity.text ?? '').replace(/&nbsp;|\u00a0/g, ' ');
  for (const entity of mentionEntities(activity)) {
    const id = entity.mentioned!.id;
    if (id === activity.recipient.id) text = replaceOnce(text, mentionMarkup(entity), ' ');
    else {
      const token = replacements.get(id);
      if (token !== undefined) text = replaceOnce(text, mentionMarkup(entity), token);
    }
  }
  return text.replace(/[ \t]+/g, ' ').trim();
}

/** `19:abc@thread.tacv2;messageid=123` → the channel and the thread root. */
export function splitConversationId(id: string): { base: string; threadId?: string } {
  const m = /^(.*?);messageid=(\d+)$/i.exec(id);
  return m ? { base: m[1], threadId: m[2] } : { base: id };
}

/** The conversation id to post to: the thread when the reference names one. */
export function fullConversationId(ref: Pick<ConversationRef, 'conversationId' | 'threadId'>): string {
  return ref.threadId ? `${ref.conversationId};messageid=${ref.threadId}` : ref.conversationId;
}

function compact(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

/** Where an activity happened, with what Duban needs to answer there later (service URL, tenant, bot id). */
export function conversationRefOf(activity: TeamsActivity): ConversationRef {
  const { base, threadId } = splitConversationId(activity.conversation.id);
  const conversationType = activity.conversation.conversationType ?? (activity.conversation.isGroup ? 'groupChat' : 'personal');
  return {
    platform: 'teams',
    conversationId: base,
    ...(threadId ? { threadId } : {}),
    ...(activity.id ? { messageId: activity.id } : {}),
    extras: compact({
      serviceUrl: activity.serviceUrl,
      tenantId: tenantOf(activity),
      botId: activity.recipient.id,
      botName: activity.recipient.name,
      conversationType,
      teamId: activity.channelData?.team?.id,
      channelId: activity.channelData?.channel?.id,
    }),
  };
}

/** The personal conversation with a user is stored under `user:<id>`; channels and group chats under `channel:<id>`. */
export function referenceKey(ref: ConversationRef, userId?: string): string {
  return ref.extras?.conversationType === 'personal' && userId ? `user:${userId}` : `channel:${ref.conversationId}`;
}

const MAX_VALUE = 10_000;

/** Card data → command values: strings only, the marker and Teams' own keys dropped, empty inputs left out. */
export function actionValues(data: unknown): Record<string, string> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
  const values: Record<string, string> = {};
  for (const [key, raw] of Object.entries(data as Record<string, unknown>)) {
    if (key === ACTION_MARKER || key.startsWith('msteams') || key === 'action') continue;
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') continue;
    const value = String(raw).trim();
    if (value) values[key] = value.slice(0, MAX_VALUE);
  }
  return values;
}

/** A card button pressed: an `adaptiveCard/action` invoke (Action.Execute) or a message carrying Action.Submit data. */
export function cardActionOf(activity: TeamsActivity): CardAction | undefined {
  if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') {
    const action = (activity.value as { action?: { verb?: unknown; data?: unknown } } | undefined)?.action;
    const data = action?.data as Record<string, unknown> | undefined;
    const verb = typeof action?.verb === 'string' && action.verb ? action.verb : data?.[ACTION_MARKER];
    return typeof verb === 'string' && verb ? { id: verb, values: actionValues(data) } : undefined;
  }
  if (activity.type === 'message' && activity.value && typeof activity.value === 'object') {
    const verb = (activity.value as Record<string, unknown>)[ACTION_MARKER];
    return typeof verb === 'string' && verb ? { id: verb, values: actionValues(activity.value) } : undefined;
  }
  return undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Teams message HTML → plain text (line breaks kept, tags dropped, entities decoded once). */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?(p|div|li|h\d)(\s[^>]*)?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+);/gi, (whole, name: string) => {
      if (!name.startsWith('#')) return ENTITIES[name.toLowerCase()] ?? whole;
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

export interface MessageToFile {
  title: string;
  description: string;
  messageLink?: string;
}

const TITLE_MAX = 120;

/** The message a "Create ticket" message action was started on: its text as a title and description, and its link. */
export function messageActionPayload(activity: TeamsActivity): MessageToFile | undefined {
  const value = activity.value as { messagePayload?: { body?: { content?: unknown; contentType?: unknown }; linkToMessage?: unknown } } | undefined;
  const payload = value?.messagePayload;
  if (!payload) return undefined;
  const content = typeof payload.body?.content === 'string' ? payload.body.content : '';
  const text = payload.body?.contentType === 'html' ? htmlToText(content) : content.trim();
  const firstLine = text.split('\n').find((line) => line.trim())?.trim() ?? '';
  const title = firstLine.length > TITLE_MAX ? `${firstLine.slice(0, TITLE_MAX - 1)}…` : firstLine;
  const link = typeof payload.linkToMessage === 'string' && /^https:\/\//i.test(payload.linkToMessage) ? payload.linkToMessage : undefined;
  return { title, description: text.slice(0, 4000), ...(link ? { messageLink: link } : {}) };
}

/** True when a conversationUpdate says the bot itself was just added (installed in a team, chat or personal scope). */
export function botWasAdded(activity: TeamsActivity): boolean {
  return activity.type === 'conversationUpdate' && (activity.membersAdded ?? []).some((m) => m.id === activity.recipient.id);
}
