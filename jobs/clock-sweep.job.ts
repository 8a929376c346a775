// Every minute: fire milestones that are due but were missed (the bot was
// down, a job was lost). Index-driven, so its cost follows the number of due
// clocks, not the number of tickets.
import type { Agenda } from 'agenda';
import type { ClockService } from '../src/sla/clock.service.js';
import type { Logger } from '../src/core/logger.js';
import { JOB_NAMES } from './job-names.js';

export function defineClockSweepJob(agenda: Agenda, deps: { clocks: ClockService; logger: Logger }): void {
  agenda.define(
    JOB_NAMES.clockSweep,
    async (job) => {
      // touch() keeps the lock while a long catch-up runs.
      const fired = await deps.clocks.sweep(500, () => job.touch());
      if (fired) deps.logger.info({ fired }, 'clock sweep fired missed milestones');
    },
    { concurrency: 1, lockLifetime: 20_000 },
  );
}
