// The single entry point every adapter calls: who is speaking, which command,
// are the arguments right, run it, and answer — in the person's language.
// Bad input gets a short reply with the right form; it never changes state
// and never escapes as an exception.
import { ZodError } from 'zod';
import type { Card, Reply } from '../src/core/card.js';
import { CodedError, isCodedError } from '../src/core/errors.js';
import type { InboundCommand } from '../src/core/inbound.js';
import type { Locale } from '../src/core/platform.js';
import type { Person } from '../src/org/org.types.js';
import type { ChangeSource } from '../src/tickets/ticket.types.js';
import type { CommandContext, CommandServices, CommandSpec } from './command-spec.js';
import type { DeliveryLog } from './deliveries.js';
import { isDatabaseUnavailable, DB_UNAVAILABLE } from '../src/reliability/db-errors.js';
import type { CommandRateLimit } from '../src/reliability/rate-limit.js';
import { neutraliseText, neutraliseValues } from '../src/reliability/neutralise.js';
import { trackingWrites } from '../src/reliability/command-writes.js';
import { splitCommandLine } from './parse/command-line.js';
import { argsFromAction, argsFromText } from './parse/collect-args.js';
import { say } from './render/names.js';
import { ticketCard } from './render/ticket.card.js';

export interface RouterLogger {
  error(obj: object, msg: string): void;
}

export interface RouterDeps {
  services: CommandServices;
  commands: CommandSpec[];
  deliveries: DeliveryLog;
  logger: RouterLogger;
  /** Commands per person per minute; none when absent. */
  rateLimit?: CommandRateLimit;
  /**
   * Does again what follows a ticket's save (its cards, ledger, case) for a change a stopped
   * process saved but may not have followed up; each of those is keyed, so doing it twice is safe.
   */
  resync?(ticketId: string): Promise<void>;
}

export class CommandRouter {
  private readonly byVerb = new Map<string, CommandSpec>();

  constructor(private readonly deps: RouterDeps) {
    for (const spec of deps.commands) {
      for (const verb of [spec.name, ...spec.aliases]) this.byVerb.set(verb.toLowerCase(), spec);
    }
  }

  /** Finds the command for a verb (English or Chinese). */
  command(verb: string): CommandSpec | undefined {
    return this.byVerb.get(verb.toLowerCase());
  }

  async handle(received: InboundCommand): Promise<Reply[]> {
    const inbound = neutralised(received);
    let begun;
    try {
      begun = await this.deps.deliveries.begin(inbound);
    } catch (err) {
      // Not recorded, so not accepted: the person is told to try again and nothing runs later.
      if (isDatabaseUnavailable(err)) return this.privately(inbound, DB_UNAVAILABLE);
      throw err;
    }
    if (begun.state === 'repeat') return begun.replies;
    if (begun.state === 'resumed' && begun.applied) return this.alreadyApplied(inbound, begun.ticketId);
    // Only new deliveries count: a platform's retry of an accepted one was answered above.
    const decision = begun.state === 'new' ? this.deps.rateLimit?.take(rateKey(inbound)) : undefined;
    if (decision && !decision.ok) return this.finishWith(inbound, this.privately(inbound, 'rate.limited', { seconds: decision.retryInSeconds, limit: decision.limit }));
    const { result, error, saved } = await trackingWrites(inbound.deliveryId, () => this.run(inbound));
    if (result) return this.finishWith(inbound, result);
    // The database went away after the change was saved: say so, and keep the delivery (a retry must not apply it again).
    if (saved && isDatabaseUnavailable(error)) return this.finishWith(inbound, this.privately(inbound, `${DB_UNAVAILABLE}_saved`));
    // Nothing was saved by this command, so a retry may run it again.
    await this.deps.deliveries.abandon(inbound.deliveryId).catch(() => undefined);
    if (isDatabaseUnavailable(error)) return this.privately(inbound, DB_UNAVAILABLE);
    this.deps.logger.error({ err: error, deliveryId: inbound.deliveryId }, 'command failed unexpectedly');
    return this.privately(inbound, 'internal.error');
  }

  /**
   * Runs a command found half-done after a restart (its reservation already taken over by the
   * caller). Database outages are thrown, so it is tried again later; anything else is answered.
   */
  async recover(inbound: InboundCommand, applied: boolean, ticketId?: string): Promise<Reply[]> {
    if (applied) return this.alreadyApplied(inbound, ticketId);
    let replies: Reply[];
    try {
      replies = await this.run(inbound);
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      this.deps.logger.error({ err, deliveryId: inbound.deliveryId }, 'recovered command failed unexpectedly');
      replies = this.privately(inbound, 'internal.error');
    }
    return this.finishWith(inbound, replies);
  }

  /**
   * Answers a command whose change a stopped process had saved. Its own answer may never have
   * been sent, so the answer is the ticket as it is now — in the same place, under the same
   * outbox key as the first answer (so it is not sent if that one was) — or, when the person may
   * no longer see the ticket, a private note.
   */
  private async alreadyApplied(inbound: InboundCommand, ticketId: string | undefined): Promise<Reply[]> {
    if (ticketId && this.deps.resync) {
      await this.deps.resync(ticketId).catch((err: unknown) => {
        if (isDatabaseUnavailable(err)) throw err;
        this.deps.logger.error({ err, ticketId, deliveryId: inbound.deliveryId }, 'follow-up of a recovered change failed');
      });
    }
    const [note] = this.privately(inbound, 'delivery.already_applied', { command: commandName(inbound) });
    const card = ticketId ? await this.currentCard(inbound, ticketId) : undefined;
    return this.finishWith(inbound, [card ? { text: note.text, card } : note]);
  }

  private async currentCard(inbound: InboundCommand, ticketId: string): Promise<Card | undefined> {
    const { org, tickets, clocksOf } = this.deps.services;
    const person = this.personOf(inbound);
    if (!person) return undefined;
    try {
      const ticket = await tickets.show(person, ticketId);
      return ticketCard(ticket, org, this.localeOf(inbound, person), clocksOf?.(ticket));
    } catch (err) {
      if (isCodedError(err)) return undefined;
      throw err;
    }
  }

  private async finishWith(inbound: InboundCommand, replies: Reply[]): Promise<Reply[]> {
    try {
      await this.deps.deliveries.finish(inbound.deliveryId, replies);
    } catch (err) {
      // Done, but the database went away before the answer was kept: it is kept once the database is back.
      if (!isDatabaseUnavailable(err)) throw err;
      this.deps.deliveries.finishLater?.(inbound.deliveryId, replies);
    }
    return replies;
  }

  private privately(inbound: InboundCommand, code: string, params: Record<string, string | number> = {}): Reply[] {
    const { org } = this.deps.services;
    const person = this.personOf(inbound);
    return [{ text: say(this.localeOf(inbound, person), org, code, params), private: true }];
  }

  /** Who sent the command: the linked person the adapter named, else whoever the platform account is linked to. */
  private personOf(inbound: InboundCommand): Person | undefined {
    const { org } = this.deps.services;
    return inbound.actor.personId ? org.person(inbound.actor.personId) : org.personByIdentity(inbound.actor.platform, inbound.actor.platformUserId);
  }

  private localeOf(inbound: InboundCommand, person?: Person): Locale {
    return person?.locale ?? inbound.actor.locale;
  }

  private async run(inbound: InboundCommand): Promise<Reply[]> {
    const { org } = this.deps.services;
    const person = this.personOf(inbound);
    const locale = this.localeOf(inbound, person);
    let spec: CommandSpec | undefined;
    try {
      let args: Record<string, unknown>;
      if (inbound.kind === 'action' && inbound.action) {
        spec = this.command(inbound.action.id);
        if (!spec) throw new CodedError('input.unknown_action');
        args = argsFromAction(inbound.action.values);
      } else {
        const { verb, rest } = splitCommandLine(inbound.text ?? '');
        if (!verb) throw new CodedError('input.empty');
        spec = this.command(verb);
        if (!spec) throw new CodedError('input.unknown_verb', { verb: verb.slice(0, 40) });
        args = argsFromText(spec, rest);
      }
      this.checkAccess(spec, person);
      const parsed = spec.schema.safeParse(args);
      if (!parsed.success) throw fromZod(parsed.error, args);
      const ctx: CommandContext = { actor: inbound.actor, person, locale, source: sourceOf(inbound), conversation: inbound.conversation, services: this.deps.services };
      return await spec.run(ctx, parsed.data);
    } catch (err) {
      if (!isCodedError(err)) throw err;
      const params = { ...err.params, usage: spec?.usage ?? '/ticket help' };
      return [{ text: say(locale, org, err.code, params), private: true }];
    }
  }

  private checkAccess(spec: CommandSpec, person: Person | undefined): void {
    if (spec.access === 'anyone') return;
    if (!person) throw new CodedError('auth.not_linked');
    if (spec.access === 'admin' && !person.roles.includes('admin')) throw new CodedError('auth.admin_only');
  }
}

/** Control and bidirectional-formatting characters removed from what was typed or clicked. */
function neutralised(inbound: InboundCommand): InboundCommand {
  return {
    ...inbound,
    ...(inbound.text !== undefined ? { text: neutraliseText(inbound.text) } : {}),
    ...(inbound.action ? { action: { id: neutraliseText(inbound.action.id), values: neutraliseValues(inbound.action.values) } } : {}),
  };
}

/** Whose commands are counted together: the person, or the chat account of someone not linked yet. */
function rateKey(inbound: InboundCommand): string {
  return inbound.actor.personId ?? `${inbound.actor.platform}:${inbound.actor.platformUserId}`;
}

/** The command as the person would recognise it (`claim T-12`), shortened. */
function commandName(inbound: InboundCommand): string {
  const shown = inbound.kind === 'action' && inbound.action ? `${inbound.action.id} ${inbound.action.values.id ?? ''}` : (inbound.text ?? '');
  const line = shown.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

function sourceOf(inbound: InboundCommand): ChangeSource {
  return { platform: inbound.actor.platform, via: inbound.via, messageLink: inbound.messageLink, deliveryId: inbound.deliveryId };
}

/** The first problem zod found, as a message code with the field and the value given. */
function fromZod(error: ZodError, args: Record<string, unknown>): CodedError {
  const issue = error.issues[0];
  const field = String(issue.path[0] ?? 'input');
  const value = args[field];
  const shown = typeof value === 'string' ? value.slice(0, 60) : '';
  if (issue.message.startsWith('input.')) {
    const extra = (issue as { params?: Record<string, string> }).params ?? {};
    const length = typeof value === 'string' ? value.trim().length : 0;
    const max = (issue as { maximum?: number }).maximum;
    return new CodedError(issue.message, { field, value: shown, length, ...(max !== undefined ? { max: Number(max) } : {}), ...extra });
  }
  if (value === undefined) return new CodedError('input.missing', { field });
  return new CodedError('input.invalid', { field, problem: issue.message });
}
