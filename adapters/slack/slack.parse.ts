// Slack payloads → neutral InboundCommands. Pure functions: the caller has
// already verified the request and resolved who the actor is. Payloads are
// read defensively (a field of the wrong type is treated as absent), so odd
// input yields "nothing to do", never an exception.
import type { InboundCommand } from '../../src/core/inbound.js';
import type { Actor, ConversationRef } from '../../src/core/platform.js';
import { splitCommandLine } from '../../conversations/parse/command-line.js';
import { openCommand } from '../../conversations/commands/open.command.js';
import { INPUT_BLOCK_PREFIX, SUBJECT_BLOCK_PREFIX, type ModalOrigin } from './slack.render.js';

type Json = Record<string, unknown>;

export const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Slack's own markup that the directory and the commands understand as is: users, channels, specials. */
const REFERENCE = /^<[@#!][^<>]*>$/;
const LINK = /^<((?:https?|mailto):[^|<>]*)(?:\|([^<>]*))?>$/i;

function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Slack sends `&`, `<`, `>` as entities and wraps links and mentions in `<…>`.
 * Gives back what the person typed: entities decoded, links as typed, while
 * `<@U…>`, `<#C…>` and `<!…>` references stay as they are.
 */
export function unescapeSlack(text: string): string {
  return text
    .split(/(<[^<>]*>)/)
    .map((part) => {
      if (REFERENCE.test(part)) return part;
      const link = LINK.exec(part);
      if (link) return unescapeEntities(link[2] ?? link[1].replace(/^mailto:/i, ''));
      return unescapeEntities(part);
    })
    .join('');
}

/** Removes the bot's mention (`<@UBOT>` or `<@UBOT|duban>`) and what precedes it. */
export function stripBotMention(text: string, botUserId?: string): string {
  const t = text.trim();
  const lead = /^<@([A-Z0-9]+)(?:\|[^>]*)?>[\s:,]*/i.exec(t);
  if (lead && (!botUserId || lead[1] === botUserId)) return t.slice(lead[0].length).trim();
  if (botUserId) {
    const at = t.search(new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`));
    if (at >= 0) return t.slice(at).replace(/^<@[^>]*>[\s:,]*/, '').trim();
  }
  return t;
}

const OPEN_VERBS = new Set([openCommand.name, ...openCommand.aliases].map((v) => v.toLowerCase()));

/** `/ticket open` (or `新建`) with nothing after it asks for the form rather than failing for want of a title. */
export function wantsOpenForm(text: string): boolean {
  const { verb, rest } = splitCommandLine(text);
  return OPEN_VERBS.has(verb) && rest.trim() === '';
}

export function slackConversation(channelId: string, extra: { threadId?: string; messageId?: string } = {}): ConversationRef {
  const ref: ConversationRef = { platform: 'slack', conversationId: channelId };
  if (extra.threadId) ref.threadId = extra.threadId;
  if (extra.messageId) ref.messageId = extra.messageId;
  return ref;
}

/** A `/ticket …` slash command (form fields). */
export function commandToInbound(body: Json, actor: Actor, now: Date): InboundCommand {
  return {
    kind: 'text',
    text: unescapeSlack(str(body.text) ?? '').trim(),
    actor,
    conversation: slackConversation(str(body.channel_id) ?? actor.platformUserId),
    deliveryId: `slack:cmd:${str(body.team_id) ?? '-'}:${str(body.trigger_id) ?? now.getTime()}`,
    receivedAt: now,
    via: 'command',
  };
}

/** Messages the bot must not answer: its own, other bots', edits, joins and other subtypes, and empty ones. */
export function ignoredMessage(event: Json, botUserId?: string): boolean {
  if (str(event.subtype) || str(event.bot_id) || obj(event.bot_profile)) return true;
  const user = str(event.user);
  if (!user || (botUserId && user === botUserId)) return true;
  return !str(event.text)?.trim();
}

/** An `app_mention` in a channel or a `message` in the bot's DM; undefined when there is nothing to run. */
export function eventToInbound(envelope: Json, actor: Actor, botUserId: string | undefined, now: Date): InboundCommand | undefined {
  const event = obj(envelope.event);
  const eventId = str(envelope.event_id);
  const channel = str(event?.channel);
  if (!event || !eventId || !channel) return undefined;
  let via: InboundCommand['via'];
  if (event.type === 'app_mention') via = 'mention';
  else if (event.type === 'message' && event.channel_type === 'im') via = 'message';
  else return undefined;
  if (via === 'message' && ignoredMessage(event, botUserId)) return undefined;
  if (via === 'mention' && (str(event.bot_id) || str(event.user) === botUserId)) return undefined;
  return {
    kind: 'text',
    text: unescapeSlack(stripBotMention(str(event.text) ?? '', botUserId)).trim(),
    actor,
    conversation: slackConversation(channel, { threadId: str(event.thread_ts), messageId: str(event.ts) }),
    deliveryId: `slack:evt:${eventId}`,
    receivedAt: now,
    via,
  };
}

function stringValues(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(raw) ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

function parseJsonValues(raw: string | undefined): Record<string, string> | undefined {
  if (!raw) return undefined;
  try {
    return stringValues(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

/** Values typed into input blocks (`input:<name>`), optionally only those of one card (`c2/input:<name>`). */
export function inputValues(stateValues: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  const start = `${prefix}${INPUT_BLOCK_PREFIX}`;
  for (const [blockId, block] of Object.entries(obj(stateValues) ?? {})) {
    if (!blockId.startsWith(start)) continue;
    const name = blockId.slice(start.length);
    for (const element of Object.values(obj(block) ?? {})) {
      const e = obj(element);
      const value = str(e?.value) ?? str(obj(e?.selected_option)?.value);
      if (name && value?.trim()) out[name] = value;
    }
  }
  return out;
}

/** The card's block id prefix of a clicked element (`c2/act:0` → `c2/`; messages have none). */
function cardPrefix(blockId: string | undefined): string {
  const slash = blockId?.lastIndexOf('/') ?? -1;
  return slash >= 0 ? blockId!.slice(0, slash + 1) : '';
}

/** A button click or a select choice on one of our cards (`block_actions`). */
export function actionToInbound(body: Json, actor: Actor, now: Date): InboundCommand | undefined {
  const action = obj(arr(body.actions)[0]);
  const actionId = str(action?.action_id);
  if (!action || !actionId) return undefined;
  let own: Record<string, string> | undefined;
  if (action.type === 'button') own = parseJsonValues(str(action.value)) ?? {};
  else if (action.type === 'static_select') {
    const chosen = str(obj(action.selected_option)?.value);
    if (!chosen) return undefined;
    own = parseJsonValues(chosen) ?? { value: chosen };
  } else return undefined;
  const container = obj(body.container) ?? {};
  const view = obj(body.view);
  const state = obj(body.state)?.values ?? obj(view?.state)?.values;
  const values = { ...inputValues(state, cardPrefix(str(action.block_id))), ...own };
  const messageTs = str(container.message_ts);
  const where = messageTs ?? str(container.view_id) ?? str(view?.id) ?? '-';
  const channel = str(container.channel_id) ?? str(obj(body.channel)?.id);
  const message = obj(body.message);
  return {
    kind: 'action',
    action: { id: actionId.replace(/:\d+$/, ''), values },
    actor,
    // A click on the Home tab has no channel: answers go to the person's DM with the bot.
    conversation: slackConversation(channel ?? actor.platformUserId, { messageId: messageTs, threadId: str(message?.thread_ts) }),
    deliveryId: `slack:act:${where}:${str(action.action_ts) ?? now.getTime()}`,
    receivedAt: now,
    via: 'button',
  };
}

/** The subject of the card a click came from (the header's block id), when it was one of ours. */
export function clickedSubject(body: Json): string | undefined {
  for (const block of arr(obj(body.message)?.blocks)) {
    const id = str(obj(block)?.block_id);
    if (id?.startsWith(SUBJECT_BLOCK_PREFIX)) return id.slice(SUBJECT_BLOCK_PREFIX.length);
  }
  return undefined;
}

export function decodeOrigin(raw: unknown): ModalOrigin {
  try {
    const parsed = obj(JSON.parse(String(raw ?? '')));
    return { channel: str(parsed?.c), thread: str(parsed?.t), link: str(parsed?.l) };
  } catch {
    return {};
  }
}

/** The open modal's submission → the `open` command with the form's values. */
export function viewToInbound(body: Json, actor: Actor, now: Date): InboundCommand | undefined {
  const view = obj(body.view);
  const viewId = str(view?.id);
  if (!view || !viewId) return undefined;
  const origin = decodeOrigin(view.private_metadata);
  const inbound: InboundCommand = {
    kind: 'action',
    action: { id: 'open', values: inputValues(obj(view.state)?.values) },
    actor,
    conversation: slackConversation(origin.channel ?? actor.platformUserId, { threadId: origin.thread }),
    deliveryId: `slack:view:${viewId}:${str(view.hash) ?? '-'}`,
    receivedAt: now,
    via: 'button',
  };
  if (origin.link) inbound.messageLink = origin.link;
  return inbound;
}

/** A message's permalink, built from the workspace domain (no API call), or undefined when a part looks wrong. */
export function permalink(teamDomain: string | undefined, channel: string | undefined, ts: string | undefined): string | undefined {
  if (!teamDomain || !/^[a-z0-9-]+$/i.test(teamDomain) || !channel || !/^[A-Z0-9]+$/i.test(channel) || !ts || !/^\d+\.\d+$/.test(ts)) return undefined;
  return `https://${teamDomain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
}

/** The message a shortcut was used on, as the form's title (its first line) and description (all of it). */
export function prefillFromMessage(text: string | undefined): { title?: string; description?: string } {
  const typed = unescapeSlack(text ?? '').trim();
  if (!typed) return {};
  const firstLine = typed.split('\n').find((l) => l.trim())?.trim() ?? typed;
  const title = Array.from(firstLine).length > 150 ? `${Array.from(firstLine).slice(0, 149).join('')}…` : firstLine;
  return { title, description: Array.from(typed).slice(0, 3000).join('') };
}
