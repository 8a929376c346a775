// Nightly: anonymise closed tickets whose retention period is over (the
// policy's records: 3 years after closing, 5 when flagged, by default), with
// their penalties and appeals. What is done is marked on the ticket, so a
// rerun finds nothing left to do.
import type { Agenda } from 'agenda';
import type { Logger } from '../src/core/logger.js';
import type { RetentionService } from '../src/records/retention.service.js';
import { JOB_NAMES } from './job-names.js';

export function defineRecordsRetentionJob(agenda: Agenda, deps: { retention: RetentionService; logger: Logger }): void {
  agenda.define(
    JOB_NAMES.recordsRetention,
    async (job) => {
      const result = await deps.retention.run();
      await job.touch();
      if (result.anonymised || result.keptByFlag) deps.logger.info({ ...result }, 'records retention run');
    },
    { concurrency: 1, lockLifetime: 10 * 60_000 },
  );
}
