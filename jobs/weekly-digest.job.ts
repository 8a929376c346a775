// Monday morning: each manager's weekly digest in chat. The digest's dedupe
// key is per manager and ISO week, so a second run in the same week (Agenda
// is at-least-once) sends nothing twice.
import type { Agenda } from 'agenda';
import type { Clock } from '../src/core/clock.js';
import type { DigestService } from '../src/reports/digest.service.js';
import type { Logger } from '../src/core/logger.js';
import { JOB_NAMES } from './job-names.js';

export function defineWeeklyDigestJob(agenda: Agenda, deps: { digests: DigestService; clock: Clock; logger: Logger }): void {
  agenda.define(
    JOB_NAMES.weeklyDigest,
    async () => {
      const result = await deps.digests.sendWeekly(deps.clock.now());
      deps.logger.info({ week: result.week, managers: result.managers.length }, 'weekly digests sent');
    },
    { concurrency: 1, lockLifetime: 120_000 },
  );
}
