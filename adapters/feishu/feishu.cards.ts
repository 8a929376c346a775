// A click on a card button, select or form runs the same command as typing it,
// and Feishu's callback answer carries the result: the card redrawn in place
// and a short toast (an input error leaves the card as it was and says why in
// the toast). Other copies of a ticket card are updated by the outbox.
import type { AdapterContext } from '../../src/core/chat-adapter.js';
import type { Card, Reply } from '../../src/core/card.js';
import type { Clock } from '../../src/core/clock.js';
import type { ConversationRef, Locale } from '../../src/core/platform.js';
import type { Logger } from '../../src/core/logger.js';
import type { FeishuApi } from './feishu.api.js';
import type { FeishuPeople } from './feishu.people.js';
import { readCardAction, type FeishuCardAction } from './feishu.parse.js';
import { copy, renderCard, toast, type ToastType } from './feishu.render.js';
import { ACK_BUDGET_MS, BackgroundWork, directRef, PLATFORM, privateRef, TIMED_OUT, within } from './feishu.flow.js';
import { DEFAULT_LOCALE } from './feishu.people.js';

export interface CardFlowDeps {
  context: AdapterContext;
  api: FeishuApi;
  people: FeishuPeople;
  clock: Clock;
  logger: Logger;
  work: BackgroundWork;
  chatTypes: Map<string, string>;
  ackBudgetMs?: number;
}

/** What a click's replies mean for the clicked card. */
export interface ClickOutcome {
  /** The card to show in place of the clicked one. */
  card?: Card;
  toast?: { type: ToastType; text: string };
  /** Replies that go elsewhere (other cards, private notes), with their index for idempotent publishing. */
  others: Array<{ reply: Reply; index: number }>;
}

/**
 * The clicked card is replaced by the reply card about the same subject (or,
 * for a form or a card without a subject, by the first reply card). A text
 * without a card becomes the toast: an error when it is private (the
 * command refused), otherwise information.
 */
export function interpretClick(replies: Reply[], clickedSubject: string | undefined): ClickOutcome {
  const out: ClickOutcome = { others: [] };
  const replaceable = clickedSubject === undefined || clickedSubject.startsWith('form:');
  replies.forEach((reply, index) => {
    if (reply.card && !out.card && (reply.card.subject === clickedSubject || replaceable)) {
      out.card = reply.card;
      if (reply.text && !out.toast) out.toast = { type: 'success', text: reply.text };
      return;
    }
    if (!reply.card && reply.text && !out.toast) {
      out.toast = { type: reply.private ? 'error' : 'info', text: reply.text };
      return;
    }
    out.others.push({ reply, index });
  });
  return out;
}

export class CardFlow {
  constructor(private readonly deps: CardFlowDeps) {}

  /** The callback answer: `{ toast, card }` for card.action.trigger, the bare card (or `{}`) for old callbacks. */
  async click(data: unknown, legacy: boolean): Promise<Record<string, unknown>> {
    const deadline = Date.now() + (this.deps.ackBudgetMs ?? ACK_BUDGET_MS);
    const click = readCardAction(data, legacy);
    if (!click) return legacy ? {} : { toast: toast('info', copy(DEFAULT_LOCALE, 'stale_button')) };
    const actor = await this.deps.people.actor(click.operator);
    const chatType = click.chatId ? this.deps.chatTypes.get(click.chatId) : undefined;
    const conversation: ConversationRef = click.chatId
      ? { platform: PLATFORM, conversationId: click.chatId, ...(click.messageId ? { messageId: click.messageId } : {}) }
      : { ...directRef(click.operator.open_id), ...(click.messageId ? { messageId: click.messageId } : {}) };
    const whisper = privateRef(click.chatId, click.operator.open_id, chatType);
    const handled = this.deps.work.track(
      this.deps.context.handle({ kind: 'action', action: click.action, actor, conversation, deliveryId: click.deliveryId, receivedAt: this.deps.clock.now(), via: 'button' }),
      'card action',
    );
    // The whole answer, identification included, must fit in Feishu's 3 seconds.
    const replies = await within(handled, Math.max(deadline - Date.now(), 50));
    if (replies === TIMED_OUT) {
      // Too slow for the callback: answer now, redraw the card when the command is done.
      void this.deps.work.track(handled.then((late) => this.finishLate(late ?? [], click, conversation, whisper, actor.locale)), 'late card update');
      return legacy ? {} : { toast: toast('info', copy(actor.locale, 'working')) };
    }
    const outcome = interpretClick(replies ?? [], click.subject);
    const others = [...outcome.others];
    // Old callbacks cannot show a toast: the message goes to the person privately instead.
    if (legacy && outcome.toast) others.push({ reply: { text: outcome.toast.text, private: true }, index: -1 });
    void this.deps.work.track(this.publish(others, click, conversation, whisper, actor.locale), 'card action replies');
    if (legacy) return outcome.card ? renderCard(outcome.card) : {};
    return {
      ...(outcome.toast ? { toast: toast(outcome.toast.type, outcome.toast.text) } : {}),
      ...(outcome.card ? { card: { type: 'raw', data: renderCard(outcome.card) } } : {}),
    };
  }

  private async finishLate(replies: Reply[], click: FeishuCardAction, conversation: ConversationRef, whisper: ConversationRef, locale: Locale): Promise<void> {
    const outcome = interpretClick(replies, click.subject);
    if (outcome.card && click.messageId) await this.deps.api.patch(click.messageId, renderCard(outcome.card));
    const others = [...outcome.others];
    if (outcome.toast?.type === 'error') others.push({ reply: { text: outcome.toast.text, private: true }, index: -1 });
    await this.publish(others, click, conversation, whisper, locale);
  }

  private async publish(others: ClickOutcome['others'], click: FeishuCardAction, conversation: ConversationRef, whisper: ConversationRef, locale: Locale): Promise<void> {
    const publicTo: ConversationRef = { ...conversation };
    delete publicTo.messageId;
    for (const { reply, index } of others) {
      const key = `${click.deliveryId}:${index < 0 ? 'toast' : index}`;
      await this.deps.context.publish(reply.private ? whisper : publicTo, reply, key, locale);
    }
  }
}
