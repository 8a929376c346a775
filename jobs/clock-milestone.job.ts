// Fires one clock milestone. Thin on purpose: parse, ask the clock service,
// log the outcome. A stale or repeated run does nothing.
import type { Agenda, Job } from 'agenda';
import type { ClockService } from '../src/sla/clock.service.js';
import type { Logger } from '../src/core/logger.js';
import { JOB_NAMES, clockMilestoneData } from './job-names.js';

export function defineClockMilestoneJob(agenda: Agenda, deps: { clocks: ClockService; logger: Logger }): void {
  agenda.define(
    JOB_NAMES.clockMilestone,
    async (job: Job<unknown>) => {
      const parsed = clockMilestoneData.safeParse(job.attrs.data);
      if (!parsed.success) {
        deps.logger.warn({ data: job.attrs.data, problem: parsed.error.issues[0]?.message }, 'dropping a clock job with bad data');
        return;
      }
      const { ticketId, clock, seq } = parsed.data;
      const result = await deps.clocks.fire(ticketId, clock, seq);
      deps.logger.debug({ ticketId, clock, seq, result }, 'clock milestone');
    },
    // A milestone takes milliseconds; a short lock lifetime also keeps Agenda's liveness timer short on shutdown.
    // Agenda otherwise locks every due job into memory at each scan: with thousands due at once (a
    // burst of unclaimed tickets breaching together) they piled up in memory, waited there past their
    // lock and were locked again. The rest stay in the database until these are done.
    { concurrency: 20, lockLimit: 200, lockLifetime: 10_000, removeOnComplete: true, priority: 'high' },
  );
}
