// Feishu events as Duban reads them: who wrote what where, with the bot's
// @mention removed and other people's mentions in a form the directory
// understands; card clicks as an action id with its values. Pure functions:
// the adapter does the lookups (bot open_id, directory) and passes them in.
import { createHash } from 'node:crypto';
import type { CardAction } from '../../src/core/inbound.js';

export interface FeishuUserIds {
  open_id?: string;
  union_id?: string;
  user_id?: string;
}

export interface FeishuMention {
  key: string;
  id: FeishuUserIds;
  name: string;
}

export interface FeishuMessage {
  eventId?: string;
  messageId: string;
  chatId: string;
  chatType: string;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  messageType: string;
  content: string;
  mentions: FeishuMention[];
  senderType: string;
  sender: FeishuUserIds & { open_id: string };
}

/** Keys Duban adds to a button's value besides the command's own values. */
export const VALUE_KEYS = { action: 'action', field: '_field', subject: '_subject' } as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function userIds(v: unknown): FeishuUserIds {
  if (!isObject(v)) return {};
  return { open_id: str(v.open_id), union_id: str(v.union_id), user_id: str(v.user_id) };
}

/**
 * Reads `im.message.receive_v1` in either shape: the SDK's flattened one
 * (header and event fields side by side) or the raw `{ header, event }` push.
 */
export function readMessageEvent(data: unknown): FeishuMessage | undefined {
  if (!isObject(data)) return undefined;
  const event = isObject(data.event) ? data.event : data;
  const headerId = isObject(data.header) ? str(data.header.event_id) : undefined;
  const message = event.message;
  const sender = event.sender;
  if (!isObject(message) || !isObject(sender)) return undefined;
  const senderIds = userIds(sender.sender_id);
  const messageId = str(message.message_id);
  const chatId = str(message.chat_id);
  if (!messageId || !chatId || !senderIds.open_id) return undefined;
  const mentions = Array.isArray(message.mentions)
    ? message.mentions.filter(isObject).map((m) => ({ key: String(m.key ?? ''), id: userIds(m.id), name: String(m.name ?? '') })).filter((m) => m.key)
    : [];
  return {
    eventId: headerId ?? str(data.event_id) ?? str(data.uuid),
    messageId,
    chatId,
    chatType: str(message.chat_type) ?? 'group',
    rootId: str(message.root_id),
    parentId: str(message.parent_id),
    threadId: str(message.thread_id),
    messageType: str(message.message_type) ?? 'text',
    content: typeof message.content === 'string' ? message.content : '',
    mentions,
    senderType: str(sender.sender_type) ?? 'user',
    sender: { ...senderIds, open_id: senderIds.open_id },
  };
}

/** Plain text of a text or rich-text (post) message; undefined for images, files, stickers… */
export function messageText(messageType: string, content: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  if (messageType === 'text') return typeof parsed.text === 'string' ? parsed.text : undefined;
  if (messageType === 'post') return postText(parsed);
  return undefined;
}

function postText(post: Record<string, unknown>): string | undefined {
  // Received posts are `{ title, content }`; sent ones may be wrapped per language (`{ zh_cn: { … } }`).
  const body = Array.isArray(post.content) ? post : Object.values(post).find((v): v is Record<string, unknown> => isObject(v) && Array.isArray(v.content));
  if (!body) return undefined;
  const lines = (body.content as unknown[]).filter(Array.isArray).map((line) =>
    (line as unknown[])
      .filter(isObject)
      .map((el) => {
        if (el.tag === 'text' || el.tag === 'a' || el.tag === 'code_block') return String(el.text ?? '');
        // Mentions inside a post carry the same `@_user_n` placeholder as in text.
        if (el.tag === 'at') return String(el.user_id ?? '');
        return '';
      })
      .join(''),
  );
  const title = typeof body.title === 'string' && body.title.trim() ? [body.title] : [];
  return [...title, ...lines].join('\n');
}

export function isBotMentioned(mentions: FeishuMention[], botOpenId: string): boolean {
  return mentions.some((m) => m.id.open_id === botOpenId);
}

/**
 * The command the person typed: the bot's placeholder removed, other
 * placeholders replaced by `replacements` (placeholder → text), a leading
 * full-width slash made ASCII.
 */
export function commandText(text: string, mentions: FeishuMention[], botOpenId: string | undefined, replacements: Map<string, string>): string {
  // Longest keys first, so `@_user_10` is not read as `@_user_1` followed by `0`.
  const sorted = [...mentions].sort((a, b) => b.key.length - a.key.length);
  let out = text;
  for (const m of sorted) {
    const isBot = botOpenId !== undefined && m.id.open_id === botOpenId;
    out = out.split(m.key).join(isBot ? ' ' : (replacements.get(m.key) ?? `@${m.name.replace(/\s+/g, '') || m.id.open_id || 'user'}`));
  }
  return out
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim()
    .replace(/^／/, '/');
}

const FILE_VERBS = ['创建工单', '建单', '转工单', 'file'];
const OPEN_VERBS = ['新建', 'open', 'new', 'create'];
const PREFIX = /^(?:\/?(?:工单|ticket|tickets))\s+/i;

/**
 * `创建工单` (or a bare `新建` / `open` with no title): the request to file the
 * quoted message as a ticket, or to show the open form when nothing is quoted.
 */
export function isFileRequest(command: string): boolean {
  const bare = command.replace(PREFIX, '').trim().toLowerCase();
  return FILE_VERBS.includes(bare) || OPEN_VERBS.includes(bare);
}

export interface FeishuCardAction {
  deliveryId: string;
  operator: FeishuUserIds & { open_id: string };
  messageId?: string;
  chatId?: string;
  action: CardAction;
  /** The subject of the card that was clicked (`ticket:T-12`), when it carried one. */
  subject?: string;
}

/** Form values arrive as strings, arrays (multi-select) or other pickers' strings. */
function formValues(form: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(form)) return out;
  for (const [k, v] of Object.entries(form)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (Array.isArray(v)) out[k] = v.filter((x) => typeof x === 'string').join(',');
  }
  return out;
}

/**
 * A card click: the new `card.action.trigger` (flattened by the SDK or raw) or
 * the old card callback (`open_id`, `open_message_id`, `action`). Undefined
 * when it is not a click on one of Duban's own buttons.
 */
export function readCardAction(data: unknown, legacy: boolean): FeishuCardAction | undefined {
  if (!isObject(data)) return undefined;
  const event = isObject(data.event) ? data.event : data;
  const action = event.action;
  if (!isObject(action) || !isObject(action.value)) return undefined;
  const value = action.value;
  const verb = str(value[VALUE_KEYS.action]);
  if (!verb) return undefined;

  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === VALUE_KEYS.action || k.startsWith('_')) continue;
    if (typeof v === 'string') values[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') values[k] = String(v);
  }
  Object.assign(values, formValues(action.form_value));
  const field = str(value[VALUE_KEYS.field]);
  const option = str(action.option);
  if (field && option !== undefined) values[field] = option;

  let operator: FeishuUserIds;
  let messageId: string | undefined;
  let chatId: string | undefined;
  let deliveryId: string;
  if (legacy) {
    operator = { open_id: str(event.open_id), union_id: str(event.union_id), user_id: str(event.user_id) };
    messageId = str(event.open_message_id);
    chatId = str(event.open_chat_id);
    // No event id on old callbacks: the card-update token is unique per click.
    const digest = createHash('sha256').update(JSON.stringify([event.token ?? '', messageId ?? '', operator.open_id ?? '', action])).digest('hex');
    deliveryId = `feishu:card:${digest.slice(0, 40)}`;
  } else {
    operator = userIds(event.operator);
    const context = isObject(event.context) ? event.context : {};
    messageId = str(context.open_message_id) ?? str(event.open_message_id);
    chatId = str(context.open_chat_id) ?? str(event.open_chat_id);
    const eventId = isObject(data.header) ? str(data.header.event_id) : str(data.event_id);
    if (!eventId) return undefined;
    deliveryId = `feishu:evt:${eventId}`;
  }
  if (!operator.open_id) return undefined;
  return {
    deliveryId,
    operator: { ...operator, open_id: operator.open_id },
    messageId,
    chatId,
    action: { id: verb, values },
    subject: str(value[VALUE_KEYS.subject]),
  };
}
