// Re-grades a ticket's penalties at the moment a grade threshold is crossed
// (25 % and 100 % over by default), even when nobody touches the ticket.
import type { Agenda, Job } from 'agenda';
import type { ClockService } from '../src/sla/clock.service.js';
import type { Logger } from '../src/core/logger.js';
import { JOB_NAMES, penaltyRegradeData } from './job-names.js';

export function definePenaltyRegradeJob(agenda: Agenda, deps: { clocks: ClockService; logger: Logger }): void {
  agenda.define(
    JOB_NAMES.penaltyRegrade,
    async (job: Job<unknown>) => {
      const parsed = penaltyRegradeData.safeParse(job.attrs.data);
      if (!parsed.success) {
        deps.logger.warn({ data: job.attrs.data }, 'dropping a regrade job with bad data');
        return;
      }
      await deps.clocks.regrade(parsed.data.ticketId);
    },
    { concurrency: 10, lockLifetime: 10_000, removeOnComplete: true },
  );
}
