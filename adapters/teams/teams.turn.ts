// One Teams turn: a message, a card click (Action.Execute invoke or an older
// client's Action.Submit), the "Create ticket" message action, or the bot being
// installed. Commands run through the one entry point; private answers go back
// in the turn, public cards through the outbox, and a clicked card is replaced
// by its refreshed self in the invoke response.
import { ActivityTypes, TeamsInfo, type TurnContext } from 'botbuilder';
import type { AdapterContext } from '../../src/core/chat-adapter.js';
import type { Card, Reply } from '../../src/core/card.js';
import type { Clock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/logger.js';
import type { CardAction, InboundCommand } from '../../src/core/inbound.js';
import type { Actor, ConversationRef, Locale } from '../../src/core/platform.js';
import { translate } from '../../conversations/messages/index.js';
import {
  actionValues,
  ACTION_MARKER,
  botWasAdded,
  cardActionOf,
  commandText,
  conversationRefOf,
  deliveryIdOf,
  localeOf,
  mentionsBot,
  mentionToken,
  messageActionPayload,
  otherMentions,
  userIdOf,
  type Mention,
  type TeamsActivity,
} from './teams.parse.js';
import { ADAPTIVE_CARD_TYPE, cardAttachment, renderCard, renderReply } from './teams.render.js';
import type { ReferenceBook } from './teams.references.js';

/** Card data key carrying the link back to the message a ticket was filed from. */
export const LINK_KEY = 'dubanLink';

export interface TurnDeps {
  context: AdapterContext;
  references: ReferenceBook;
  clock: Clock;
  logger: Logger;
}

interface Member {
  aadObjectId?: string;
  email?: string;
}

const MEMBER_TTL_MS = 10 * 60_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);
}

/** Where public replies go: the conversation (and thread) the command came from, not the message itself. */
function replyTarget(ref: ConversationRef): ConversationRef {
  const { messageId: _messageId, ...rest } = ref;
  return rest;
}

export class TeamsTurns {
  private readonly members = new Map<string, { member?: Member; expires: number }>();
  /** Invoke turns already answered (a later failure must not replace the answer). */
  private readonly answered = new WeakSet<TurnContext>();

  constructor(private readonly deps: TurnDeps) {}

  async run(turn: TurnContext): Promise<void> {
    const activity = turn.activity as unknown as TeamsActivity;
    try {
      if (activity.type === ActivityTypes.Message) return await this.onMessage(turn, activity);
      if (activity.type === ActivityTypes.ConversationUpdate) return await this.onConversationUpdate(activity);
      if (activity.type === ActivityTypes.InstallationUpdate) return await this.deps.references.remember(activity);
      if (activity.type === ActivityTypes.Invoke) {
        if (activity.name === 'adaptiveCard/action') return await this.onExecute(turn, activity);
        if (activity.name === 'composeExtension/fetchTask') return await this.onFetchTask(turn, activity);
        if (activity.name === 'composeExtension/submitAction') return await this.onSubmitAction(turn, activity);
      }
    } catch (err) {
      this.deps.logger.error({ err, activityType: activity.type, name: activity.name }, 'Teams turn failed');
      await this.failed(turn, activity).catch(() => undefined);
    }
  }

  private async onConversationUpdate(activity: TeamsActivity): Promise<void> {
    if (botWasAdded(activity)) await this.deps.references.remember(activity);
  }

  private async onMessage(turn: TurnContext, activity: TeamsActivity): Promise<void> {
    await this.deps.references.remember(activity);
    const action = cardActionOf(activity);
    if (action) return this.onSubmit(turn, activity, action);
    const replacements = new Map<string, string>();
    for (const mention of otherMentions(activity)) replacements.set(mention.userId, await this.tokenFor(turn, mention));
    const inbound = await this.inbound(turn, activity, { kind: 'text', text: commandText(activity, replacements), via: mentionsBot(activity) ? 'mention' : 'message' });
    const replies = await this.deps.context.handle(inbound);
    await this.deliver(turn, inbound, replies);
  }

  /** An Action.Submit from a client without Universal Actions: run it, then update the card in place. */
  private async onSubmit(turn: TurnContext, activity: TeamsActivity, action: CardAction): Promise<void> {
    const inbound = await this.inbound(turn, activity, { kind: 'action', action, via: 'button' });
    const replies = await this.deps.context.handle(inbound);
    const refreshed = replies.find((r) => r.card);
    if (refreshed?.card && activity.replyToId) {
      await turn.updateActivity({ type: 'message', id: activity.replyToId, attachments: [cardAttachment(refreshed.card)] });
    }
    await this.deliver(turn, inbound, refreshed && activity.replyToId ? replies.filter((r) => r !== refreshed) : replies);
  }

  /** Action.Execute: the invoke response carries the refreshed card, or the short error with the card left as it was. */
  private async onExecute(turn: TurnContext, activity: TeamsActivity): Promise<void> {
    await this.deps.references.remember(activity);
    const action = cardActionOf(activity);
    const locale = localeOf(activity);
    if (!action) return this.invokeResponse(turn, { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: translate(locale, 'input.unknown_action') });
    const inbound = await this.inbound(turn, activity, { kind: 'action', action, via: 'button' });
    const replies = await this.deps.context.handle(inbound);
    const refreshed = replies.find((r) => r.card);
    if (!refreshed?.card) {
      const text = replies.map((r) => r.text).find(Boolean) ?? translate(inbound.actor.locale, 'internal.error');
      return this.invokeResponse(turn, { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text });
    }
    await this.invokeResponse(turn, { statusCode: 200, type: ADAPTIVE_CARD_TYPE, value: renderCard(refreshed.card) });
    await this.deliverAfterAnswer(turn, inbound, replies.filter((r) => r !== refreshed));
  }

  /** "Create ticket" on a message: a dialog with the ticket form, filled in from the message. */
  private async onFetchTask(turn: TurnContext, activity: TeamsActivity): Promise<void> {
    const locale = localeOf(activity);
    await this.invokeResponse(turn, this.formDialog(activity, locale));
  }

  private async onSubmitAction(turn: TurnContext, activity: TeamsActivity): Promise<void> {
    await this.deps.references.remember(activity);
    const value = (activity.value ?? {}) as { data?: Record<string, unknown> };
    const payload = messageActionPayload(activity);
    const locale = localeOf(activity);
    const verb = value.data?.[ACTION_MARKER];
    let action: CardAction;
    if (typeof verb === 'string' && verb) action = { id: verb, values: actionValues(value.data) };
    else if (payload?.title) action = { id: 'open', values: { title: payload.title, ...(payload.description ? { description: payload.description } : {}) } };
    else return this.invokeResponse(turn, this.formDialog(activity, locale));
    const link = typeof value.data?.[LINK_KEY] === 'string' ? (value.data[LINK_KEY] as string) : payload?.messageLink;
    const inbound = await this.inbound(turn, activity, { kind: 'action', action, via: 'button', ...(link && /^https:\/\//i.test(link) ? { messageLink: link } : {}) });
    const replies = await this.deps.context.handle(inbound);
    const text = replies.map((r) => r.text ?? r.card?.title).find(Boolean) ?? translate(inbound.actor.locale, 'internal.error');
    await this.invokeResponse(turn, { task: { type: 'message', value: text } });
    // The ticket card goes to the conversation the message is in, where everyone can act on it.
    await this.deliverAfterAnswer(turn, inbound, replies.filter((r) => r.card), { publishOnly: true });
  }

  private formDialog(activity: TeamsActivity, locale: Locale): object {
    const payload = messageActionPayload(activity);
    const form = this.deps.context.openForm(locale, { title: payload?.title || undefined, description: payload?.description || undefined });
    // The submit button carries the link back to the message the ticket is filed from.
    const card: Card = {
      ...form,
      elements: form.elements.map((e) => {
        if (e.type === 'button' && payload?.messageLink) return { ...e, values: { ...e.values, [LINK_KEY]: payload.messageLink } };
        return e;
      }),
    };
    return { task: { type: 'continue', value: { title: translate(locale, 'form.open.heading'), width: 'medium', height: 'large', card: cardAttachment(card, { actions: 'submit' }) } } };
  }

  private async inbound(
    turn: TurnContext,
    activity: TeamsActivity,
    command: Pick<InboundCommand, 'kind' | 'text' | 'action' | 'via' | 'messageLink'>,
  ): Promise<InboundCommand> {
    return {
      ...command,
      actor: await this.actor(turn, activity),
      conversation: conversationRefOf(activity),
      deliveryId: deliveryIdOf(activity),
      receivedAt: this.deps.clock.now(),
    };
  }

  private async actor(turn: TurnContext, activity: TeamsActivity): Promise<Actor> {
    const userId = userIdOf(activity.from);
    let person = await this.deps.context.identify('teams', userId);
    if (!person && activity.from.aadObjectId) {
      const email = (await this.member(turn, activity.from.id))?.email;
      if (email) person = await this.deps.context.identify('teams', userId, email);
    }
    return {
      platform: 'teams',
      platformUserId: userId,
      displayName: person?.name ?? activity.from.name ?? userId,
      ...(person ? { personId: person.id } : {}),
      locale: person?.locale ?? localeOf(activity),
    };
  }

  /** The directory's word for a mentioned person: their person id when Teams and the directory agree, else the name. */
  private async tokenFor(turn: TurnContext, mention: Mention): Promise<string> {
    const member = mention.aadObjectId ? { aadObjectId: mention.aadObjectId } : await this.member(turn, mention.userId);
    const aad = member?.aadObjectId;
    const person = aad ? await this.deps.context.identify('teams', aad, member?.email) : undefined;
    return mentionToken(mention, person?.id);
  }

  /** A conversation member's AAD object id and e-mail from the roster (cached; undefined when Teams will not say). */
  private async member(turn: TurnContext, userId: string): Promise<Member | undefined> {
    const now = Date.now();
    const cached = this.members.get(userId);
    if (cached && cached.expires > now) return cached.member;
    let member: Member | undefined;
    try {
      const account = await withTimeout(TeamsInfo.getMember(turn, userId), 3000);
      if (account) member = { aadObjectId: account.aadObjectId, email: account.email ?? account.userPrincipalName };
    } catch (err) {
      this.deps.logger.debug({ err }, 'Teams roster lookup failed');
    }
    this.members.set(userId, { member, expires: now + MEMBER_TTL_MS });
    if (this.members.size > 5000) this.members.delete(this.members.keys().next().value as string);
    return member;
  }

  /**
   * Private replies answer in the turn (in a channel that is the thread, visible to its
   * readers: Teams has no per-user messages for bots); the rest goes through the outbox.
   * `publishOnly` drops private replies (a dialog already showed their text).
   */
  private async deliver(turn: TurnContext, inbound: InboundCommand, replies: Reply[], options: { publishOnly?: boolean } = {}): Promise<void> {
    for (const [i, reply] of replies.entries()) {
      if (reply.private) {
        if (!options.publishOnly) await turn.sendActivity(renderReply(reply));
        continue;
      }
      await this.deps.context.publish(replyTarget(inbound.conversation), reply, `${inbound.deliveryId}:${i}`, inbound.actor.locale);
    }
  }

  /** Extra replies once the invoke is answered: a failure here is logged, never turned into a second answer. */
  private async deliverAfterAnswer(turn: TurnContext, inbound: InboundCommand, replies: Reply[], options: { publishOnly?: boolean } = {}): Promise<void> {
    await this.deliver(turn, inbound, replies, options).catch((err: unknown) => this.deps.logger.error({ err, deliveryId: inbound.deliveryId }, 'Teams follow-up replies failed'));
  }

  private async invokeResponse(turn: TurnContext, body: object): Promise<void> {
    this.answered.add(turn);
    await turn.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
  }

  private async failed(turn: TurnContext, activity: TeamsActivity): Promise<void> {
    const text = translate(localeOf(activity), 'internal.error');
    if (activity.type === ActivityTypes.Invoke) {
      if (this.answered.has(turn)) return;
      const body = activity.name === 'adaptiveCard/action' ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } : { task: { type: 'message', value: text } };
      await this.invokeResponse(turn, body);
    } else if (activity.type === ActivityTypes.Message) {
      await turn.sendActivity({ type: 'message', text, textFormat: 'plain' });
    }
  }
}
