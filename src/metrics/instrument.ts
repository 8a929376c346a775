// Minimal hooks that feed the metrics without touching the code they watch:
// the command router's entry point (with each command's run, to tell a
// success from a refusal), the outbox store's retry and park, and Agenda's
// start of each clock milestone job.
import type { Agenda } from 'agenda';
import { isCodedError } from '../core/errors.js';
import type { CommandSpec } from '../../conversations/command-spec.js';
import type { Reply } from '../core/card.js';
import type { InboundCommand } from '../core/inbound.js';
import type { OutboxStore } from '../delivery/outbox.types.js';
import type { CommandRouter } from '../../conversations/router.js';
import { splitCommandLine } from '../../conversations/parse/command-line.js';
import { CATALOGS } from '../../conversations/messages/index.js';
import type { CommandOutcome, Metrics } from './metrics.js';

const FAILED_TEXTS = new Set(Object.values(CATALOGS).map((c) => c['internal.error']));

/**
 * The outcome of each command being handled, by delivery id, filled in by its run (see
 * measuredCommand) — keyed rather than held in async context, whose promise hooks would tax
 * every await in the process.
 */
const handling = new Map<string, { outcome?: CommandOutcome }>();

/** A copy of the spec whose run reports how it ended: answered, refused with a coded error, or failed. */
export function measuredCommand<A>(spec: CommandSpec<A>): CommandSpec<A> {
  return {
    ...spec,
    async run(ctx, args) {
      const slot = ctx.source.deliveryId === undefined ? undefined : handling.get(ctx.source.deliveryId);
      try {
        const replies = await spec.run(ctx, args);
        if (slot) slot.outcome = 'ok';
        return replies;
      } catch (err) {
        if (slot) slot.outcome = isCodedError(err) ? 'refused' : 'failed';
        throw err;
      }
    },
  };
}

/** The command's name (English), or `unknown`: labels stay few whatever people type. */
export function verbOf(router: Pick<CommandRouter, 'command'>, inbound: InboundCommand): string {
  const word = inbound.kind === 'action' && inbound.action ? inbound.action.id : splitCommandLine(inbound.text ?? '').verb;
  return (word && router.command(word)?.name) || 'unknown';
}

/**
 * When no command ran (bad input, unknown verb, no access, or a repeated delivery answered from the log):
 * a lone private text with no card is how the router refuses or reports an internal error.
 */
export function outcomeOf(replies: Reply[]): CommandOutcome {
  if (replies.length !== 1) return 'ok';
  const [r] = replies;
  if (!r.private || r.card || !r.text) return 'ok';
  return FAILED_TEXTS.has(r.text) ? 'failed' : 'refused';
}

export function instrumentRouter(router: CommandRouter, metrics: Metrics): void {
  const handle = router.handle.bind(router);
  router.handle = async (inbound: InboundCommand) => {
    // Wall time around the handler: the adapter's receivedAt comes from the app clock, which tests move by hand.
    const started = performance.now();
    // A repeat of a delivery still being handled shares its slot; the first to end takes it away.
    const slot: { outcome?: CommandOutcome } = handling.get(inbound.deliveryId) ?? {};
    const owner = !handling.has(inbound.deliveryId);
    if (owner) handling.set(inbound.deliveryId, slot);
    let replies: Reply[] | undefined;
    try {
      replies = await handle(inbound);
      return replies;
    } finally {
      if (owner) handling.delete(inbound.deliveryId);
      const seconds = (performance.now() - started) / 1000;
      const outcome = slot.outcome ?? (replies ? outcomeOf(replies) : 'failed');
      metrics.commandHandled(verbOf(router, inbound), outcome, inbound.actor.platform, seconds);
    }
  };
}

export function instrumentOutbox(outbox: Pick<OutboxStore, 'retryAt' | 'park'>, metrics: Metrics): void {
  const retryAt = outbox.retryAt.bind(outbox);
  const park = outbox.park.bind(outbox);
  outbox.retryAt = async (id, dueAt, error) => {
    await retryAt(id, dueAt, error);
    metrics.deliveryRetried();
  };
  outbox.park = async (id, error) => {
    await park(id, error);
    metrics.deliveryParked();
  };
}

/** Milestone jobs carry their moment (`data.at`); the job's start minus that is the lateness. */
export function instrumentClockJobs(agenda: Agenda, jobName: string, metrics: Metrics): void {
  agenda.on(`start:${jobName}`, (job: { attrs: { data?: unknown; lastRunAt?: Date } }) => {
    const at = (job.attrs.data as { at?: string } | undefined)?.at;
    if (!at) return;
    metrics.clockLate(((job.attrs.lastRunAt ?? new Date()).getTime() - Date.parse(at)) / 1000);
  });
}
