// Agenda on the same database as everything else (MongoBackend over
// mongoose's connection), tuned for clock precision: jobs saved by this
// process wake the processor at once (in-memory notifications), and the
// regular scan runs every second so jobs from other processes are locked
// early and started by a timer at their exact moment.
import { Agenda, InMemoryNotificationChannel, type Job } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Collection, Db } from 'mongodb';
import type { Logger } from '../src/core/logger.js';
import type { ClockScheduler, ClockService } from '../src/sla/clock.service.js';
import type { Ticket } from '../src/tickets/ticket.types.js';
import { JOB_NAMES, type ClockMilestoneData } from './job-names.js';
import { defineClockMilestoneJob } from './clock-milestone.job.js';
import { definePenaltyRegradeJob } from './penalty-regrade.job.js';
import { defineClockSweepJob } from './clock-sweep.job.js';
import { defineAppealFollowUpJob } from './appeal-follow-up.job.js';
import type { AppealService } from '../src/accountability/appeal.service.js';
import type { ScorecardService } from '../src/accountability/scorecard.service.js';
import { defineScorecardJob } from './scorecard.job.js';
import { defineWeeklyDigestJob } from './weekly-digest.job.js';
import { defineRecordsRetentionJob } from './records-retention.job.js';
import type { DigestService } from '../src/reports/digest.service.js';
import type { RetentionService } from '../src/records/retention.service.js';
import type { Clock } from '../src/core/clock.js';

export interface JobRunnerOptions {
  processEveryMs?: number;
  sweepEvery?: string;
}

export class JobRunner implements ClockScheduler {
  readonly agenda: Agenda;
  private readonly backend: MongoBackend;
  private started = false;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: JobRunnerOptions = {},
  ) {
    this.backend = new MongoBackend({ mongo: db });
    this.agenda = new Agenda({
      backend: this.backend,
      notificationChannel: new InMemoryNotificationChannel(),
      processEvery: options.processEveryMs ?? 1000,
      maxConcurrency: 50,
      defaultLockLimit: 0,
      defaultLockLifetime: 60_000,
    });
    this.agenda.on('error', (err: unknown) => logger.error({ err }, 'job scheduler error'));
  }

  /** Defines the jobs; call before start(). */
  define(clocks: ClockService, appeals?: AppealService, scorecards?: ScorecardService): void {
    defineClockMilestoneJob(this.agenda, { clocks, logger: this.logger });
    definePenaltyRegradeJob(this.agenda, { clocks, logger: this.logger });
    defineClockSweepJob(this.agenda, { clocks, logger: this.logger });
    if (appeals) defineAppealFollowUpJob(this.agenda, { appeals, logger: this.logger });
    if (scorecards) {
      defineScorecardJob(this.agenda, { scorecards, logger: this.logger });
      this.monthly = true;
    }
  }

  private monthly = false;
  private records = false;

  /** The weekly manager digest and the nightly records retention run; call before start(). */
  defineRecords(deps: { digests: DigestService; retention: RetentionService; clock: Clock }): void {
    defineWeeklyDigestJob(this.agenda, { digests: deps.digests, clock: deps.clock, logger: this.logger });
    defineRecordsRetentionJob(this.agenda, { retention: deps.retention, logger: this.logger });
    this.records = true;
  }

  async regradeAt(ticketId: string, at: Date): Promise<void> {
    const data = { ticketId, at: at.toISOString() };
    await this.agenda.create(JOB_NAMES.penaltyRegrade, data).unique({ 'data.ticketId': ticketId, 'data.at': data.at }, { insertOnly: true }).schedule(at).save();
  }

  async appealFollowUp(appealId: string, kind: 'remind' | 'escalate', at: Date): Promise<void> {
    await this.agenda
      .create(JOB_NAMES.appealFollowUp, { appealId, kind })
      .unique({ 'data.appealId': appealId, 'data.kind': kind }, { insertOnly: true })
      .schedule(at)
      .save();
  }

  async start(): Promise<void> {
    await this.agenda.start();
    // Scheduling is an upsert on each job's unique data: without these indexes every
    // save would scan all queued jobs (10,000 running clocks = 10,000 jobs).
    const jobs = this.db.collection('agendaJobs');
    await jobs.createIndex({ 'data.key': 1 }, { name: 'duban_clock_job_key' });
    await jobs.createIndex({ 'data.ticketId': 1, 'data.at': 1 }, { name: 'duban_regrade_job' });
    await jobs.createIndex({ 'data.appealId': 1, 'data.kind': 1 }, { name: 'duban_appeal_job' });
    await this.agenda.every(this.options.sweepEvery ?? '1 minute', JOB_NAMES.clockSweep);
    // 09:00 on the 1st, China time: last month's scorecards.
    if (this.monthly) await this.agenda.every('0 9 1 * *', JOB_NAMES.scorecardMonthly, undefined, { timezone: 'Asia/Shanghai' });
    // 08:00 on Mondays: last week's digest; 03:00 nightly: records past their retention period.
    if (this.records) {
      await this.agenda.every('0 8 * * 1', JOB_NAMES.weeklyDigest, undefined, { timezone: 'Asia/Shanghai' });
      await this.agenda.every('0 3 * * *', JOB_NAMES.recordsRetention, undefined, { timezone: 'Asia/Shanghai' });
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.agenda.stop();
  }

  /**
   * Saves the next milestone job of every running clock, once each (unique on `data.key`). The
   * jobs go in one round trip: the same insert-only upsert Agenda's `Job.save()` makes for
   * `unique(…, { insertOnly: true })`, as one bulk write instead of one call per clock. Agenda
   * is told at once about a job due before its next scan, as `save()` would; later ones are
   * found by the scan.
   */
  async schedule(ticket: Ticket): Promise<void> {
    const jobs: Array<Job<ClockMilestoneData>> = [];
    for (const clock of ticket.clocks ?? []) {
      if (clock.status !== 'running' || !clock.next) continue;
      const data: ClockMilestoneData = { ticketId: ticket.id, clock: clock.name, seq: clock.next.seq, key: `${ticket.id}:${clock.name}:${clock.next.seq}`, at: clock.next.at.toISOString() };
      jobs.push(this.agenda.create(JOB_NAMES.clockMilestone, data).unique({ 'data.key': data.key }, { insertOnly: true }).schedule(clock.next.at));
    }
    if (!jobs.length) return;
    await this.agenda.ready;
    const ops = jobs.map((job) => {
      const { _id: _unsaved, unique, uniqueOpts: _opts, ...props } = job.toJson(true) as unknown as Record<string, unknown> & { unique: Record<string, unknown> };
      return { updateOne: { filter: { ...unique, name: props.name }, update: { $setOnInsert: storedJob(props, this.agenda.attrs.name || null) }, upsert: true } };
    });
    const result = await this.jobCollection().bulkWrite(ops as never, { ordered: false });
    const horizon = Date.now() + this.agenda.attrs.processEvery;
    for (const [index, id] of Object.entries(result.upsertedIds ?? {})) {
      const job = jobs[Number(index)];
      job.attrs._id = id as never;
      if (job.attrs.nextRunAt && job.attrs.nextRunAt.getTime() <= horizon) await this.agenda.publishJobNotification(job);
    }
  }

  private jobCollection(): Collection {
    return (this.backend.repository as unknown as { collection: Collection }).collection;
  }
}

/** A job's fields as Agenda's MongoJobRepository.saveJob stores them (unset ones as null). */
function storedJob(props: Record<string, unknown>, lastModifiedBy: string | null): Record<string, unknown> {
  const nulls = ['lockedAt', 'lastFinishedAt', 'failedAt', 'failCount', 'failReason', 'repeatTimezone', 'lastRunAt', 'repeatInterval', 'repeatAt', 'disabled', 'progress', 'debounceStartedAt', 'fork', 'startDate', 'endDate', 'skipDays'];
  const out: Record<string, unknown> = { ...props };
  for (const k of nulls) out[k] = props[k] ?? null;
  out.lastModifiedBy = lastModifiedBy;
  return out;
}
