// Prometheus metrics for operators (GET /metrics): commands by verb and
// outcome, how long a command took to answer, how late clock milestones fire,
// the outbox by status and delivery retries. One registry per running app
// (tests start several in one process); anything may call these hooks.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type CommandOutcome = 'ok' | 'refused' | 'failed';

export interface MetricsSources {
  /** Outbox messages per status, read at scrape time. */
  outboxCounts?: () => Promise<Record<string, number>>;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly commands: Counter<'verb' | 'outcome'>;
  private readonly ack: Histogram<'platform'>;
  private readonly lateness: Histogram;
  private readonly retried: Counter;
  private readonly parked: Counter;

  constructor(sources: MetricsSources = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'duban_' });
    this.commands = new Counter({ name: 'duban_commands_total', help: 'Commands handled, by verb and outcome (ok, refused: bad input or not allowed, failed: internal error)', labelNames: ['verb', 'outcome'], registers });
    this.ack = new Histogram({
      name: 'duban_command_ack_seconds',
      help: 'Time from receiving a command to having its answer, by chat platform',
      labelNames: ['platform'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
      registers,
    });
    this.lateness = new Histogram({
      name: 'duban_clock_lateness_seconds',
      help: 'How long after its moment an SLA clock milestone job started',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    });
    this.retried = new Counter({ name: 'duban_deliveries_retried_total', help: 'Outgoing chat messages put back for another attempt (a failure or a rate-limit wait)', registers });
    this.parked = new Counter({ name: 'duban_deliveries_parked_total', help: 'Outgoing chat messages parked for an admin after failing for good', registers });
    new Gauge({
      name: 'duban_outbox_messages',
      help: 'Messages in the outbox, by status',
      labelNames: ['status'],
      registers,
      async collect() {
        if (!sources.outboxCounts) return;
        const counts = await sources.outboxCounts().catch(() => undefined);
        for (const [status, n] of Object.entries(counts ?? {})) this.set({ status }, n);
      },
    });
  }

  commandHandled(verb: string, outcome: CommandOutcome, platform: string, seconds: number): void {
    this.commands.inc({ verb, outcome });
    this.ack.observe({ platform }, Math.max(0, seconds));
  }

  clockLate(seconds: number): void {
    if (Number.isFinite(seconds)) this.lateness.observe(Math.max(0, seconds));
  }

  deliveryRetried(): void {
    this.retried.inc();
  }

  deliveryParked(): void {
    this.parked.inc();
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
