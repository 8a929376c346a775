// A message to the bot (a direct message, or an @mention in a group) becomes
// one command: identified, deduplicated and handled by Duban's command entry
// point; its replies go out through the outbox — public ones into the chat
// (or thread), private ones as a card only the sender sees.
// Replying to any message with `@Duban 创建工单` files that message as a ticket.
import type { AdapterContext } from '../../src/core/chat-adapter.js';
import type { Reply } from '../../src/core/card.js';
import type { InboundCommand } from '../../src/core/inbound.js';
import type { Clock } from '../../src/core/clock.js';
import type { ConversationRef, Locale } from '../../src/core/platform.js';
import type { Logger } from '../../src/core/logger.js';
import type { FeishuApi } from './feishu.api.js';
import type { FeishuPeople } from './feishu.people.js';
import { commandText, isBotMentioned, isFileRequest, messageText, readMessageEvent, type FeishuMessage } from './feishu.parse.js';
import { copy } from './feishu.render.js';
import { ACK_BUDGET_MS, BackgroundWork, chatLink, EXTRAS, PLATFORM, privateRef, RecentIds, TIMED_OUT, within } from './feishu.flow.js';

const MAX_TITLE = 100;
const MAX_DESCRIPTION = 3900;

export interface MessageFlowDeps {
  context: AdapterContext;
  api: FeishuApi;
  people: FeishuPeople;
  clock: Clock;
  logger: Logger;
  work: BackgroundWork;
  botOpenId(): Promise<string | undefined>;
  linkHost: string;
  /** Chat types seen in messages, so card clicks know whether a chat is a group. */
  chatTypes: Map<string, string>;
  ackBudgetMs?: number;
}

export class MessageFlow {
  private readonly seen = new RecentIds();

  constructor(private readonly deps: MessageFlowDeps) {}

  /** Handles `im.message.receive_v1`; returns once done, or when Feishu must get its answer. */
  async receive(data: unknown): Promise<void> {
    const message = readMessageEvent(data);
    if (!message) return void this.deps.logger.warn({ platform: PLATFORM }, 'ignored a Feishu message event without message, chat or sender');
    // The bot's own messages and other bots' are not commands.
    if (message.senderType !== 'user') return;
    const deliveryId = message.eventId ? `feishu:evt:${message.eventId}` : `feishu:msg:${message.messageId}`;
    // Feishu retries for hours and may deliver twice even after a 200: a repeat is acknowledged and dropped.
    if (!this.seen.add(deliveryId) || !this.seen.add(`message:${message.messageId}`)) return;
    const run = this.run(message, deliveryId).catch((err: unknown) => {
      // Nothing was applied: let Feishu's retry run it again.
      this.seen.delete(deliveryId);
      this.seen.delete(`message:${message.messageId}`);
      throw err;
    });
    const outcome = await within(
      run.then(
        () => undefined,
        (err: unknown) => ({ err }),
      ),
      this.deps.ackBudgetMs ?? ACK_BUDGET_MS,
    );
    // Still running: Feishu gets its 200 now and the work finishes in the background.
    if (outcome === TIMED_OUT) return void this.deps.work.track(run, 'message handling');
    // Failed before the answer: a 500 makes Feishu deliver the event again later.
    if (outcome) throw outcome.err;
  }

  private async run(message: FeishuMessage, deliveryId: string): Promise<void> {
    const { context, people, clock } = this.deps;
    const group = message.chatType !== 'p2p';
    this.rememberChatType(message.chatId, message.chatType);
    let botOpenId = await this.deps.botOpenId();
    if (group) {
      // Without the bot's own id (bot info unavailable), a group message reaches Duban only when it
      // @mentions the bot (unless the app reads all group messages): take the leading mention as the bot.
      botOpenId ??= leadingMention(message);
      if (!botOpenId || !isBotMentioned(message.mentions, botOpenId)) return;
    }
    const actor = await people.actor(message.sender);
    const conversation: ConversationRef = {
      platform: PLATFORM,
      conversationId: message.chatId,
      ...(message.rootId ? { threadId: message.rootId } : {}),
      messageId: message.messageId,
      extras: { [EXTRAS.chatType]: message.chatType },
    };
    const whisper = privateRef(message.chatId, message.sender.open_id, message.chatType);
    const say = (reply: Reply, suffix: string) => this.publish(reply.private ? whisper : conversation, reply, `${deliveryId}:${suffix}`, actor.locale);

    const text = messageText(message.messageType, message.content);
    if (text === undefined) return say({ text: copy(actor.locale, 'unsupported'), private: true }, 'unsupported');
    const command = commandText(text, message.mentions, botOpenId, await people.mentionTexts(message.mentions, botOpenId));
    const base = {
      actor,
      conversation,
      deliveryId,
      receivedAt: clock.now(),
      messageLink: chatLink(this.deps.linkHost, message.chatId),
      via: group ? ('mention' as const) : ('message' as const),
    };

    let inbound: InboundCommand = { ...base, kind: 'text', text: command };
    if (isFileRequest(command)) {
      // Nothing quoted: the form for a new ticket, only for the asker.
      if (!message.parentId) return say({ card: context.openForm(actor.locale), private: true }, 'form');
      const quoted = await this.quoted(message.parentId, actor.locale);
      if (!quoted) return say({ text: copy(actor.locale, 'quoted_unreadable'), private: true }, 'unreadable');
      inbound = { ...base, kind: 'action', action: { id: 'open', values: quoted.values }, messageLink: quoted.link ?? base.messageLink, via: 'message' };
    }
    const replies = await context.handle(inbound);
    for (const [i, reply] of replies.entries()) await say(reply, String(i));
  }

  /** The quoted message as a new ticket's title and description. */
  private async quoted(messageId: string, locale: Locale): Promise<{ values: Record<string, string>; link?: string } | undefined> {
    const fetched = await this.deps.api.message(messageId).catch((err: unknown) => {
      this.deps.logger.warn({ err, platform: PLATFORM }, 'could not read the quoted Feishu message');
      return undefined;
    });
    const raw = fetched && messageText(fetched.msgType, fetched.content);
    // Placeholders of people mentioned in the quoted message mean nothing outside it.
    const text = raw?.replace(/@_user_\d+|@_all/g, '').replace(/[ \t]+/g, ' ').trim();
    if (!text) return undefined;
    const firstLine = text.split('\n').map((l) => l.trim()).find(Boolean) ?? text;
    const title = firstLine.length > MAX_TITLE ? `${firstLine.slice(0, MAX_TITLE - 1)}…` : firstLine;
    const body = text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text;
    const description = `${copy(locale, 'from_message')}${fetched?.link ? ` ${fetched.link}` : ''}\n\n${body}`;
    return { values: { title, description }, link: fetched?.link };
  }

  private publish(to: ConversationRef, reply: Reply, key: string, locale: Locale): Promise<void> {
    return this.deps.context.publish(to, reply, key, locale);
  }

  private rememberChatType(chatId: string, chatType: string): void {
    const { chatTypes } = this.deps;
    if (chatTypes.size >= 10_000 && !chatTypes.has(chatId)) chatTypes.delete(chatTypes.keys().next().value as string);
    chatTypes.set(chatId, chatType);
  }
}

/** The open_id of the mention the text starts with (`@_user_1 认领 T-1`). */
function leadingMention(message: FeishuMessage): string | undefined {
  const text = messageText(message.messageType, message.content)?.trim() ?? '';
  return message.mentions.find((m) => text.startsWith(m.key))?.id.open_id;
}
