// Reminds the reviewer of an open appeal, or escalates it to the service
// director, at the moments the policy sets. A decided appeal makes it a no-op.
import type { Agenda, Job } from 'agenda';
import type { AppealService } from '../src/accountability/appeal.service.js';
import type { Logger } from '../src/core/logger.js';
import { JOB_NAMES, appealFollowUpData } from './job-names.js';

export function defineAppealFollowUpJob(agenda: Agenda, deps: { appeals: AppealService; logger: Logger }): void {
  agenda.define(
    JOB_NAMES.appealFollowUp,
    async (job: Job<unknown>) => {
      const parsed = appealFollowUpData.safeParse(job.attrs.data);
      if (!parsed.success) {
        deps.logger.warn({ data: job.attrs.data }, 'dropping an appeal job with bad data');
        return;
      }
      const result = await deps.appeals.followUp(parsed.data.appealId, parsed.data.kind);
      deps.logger.debug({ ...parsed.data, result }, 'appeal follow-up');
    },
    { concurrency: 5, lockLifetime: 10_000, removeOnComplete: true },
  );
}
