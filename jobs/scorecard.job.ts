// On the first of the month: last month's scorecards, summarised for managers.
// The month's dedupe keys make a second run of the same month send nothing.
import type { Agenda } from 'agenda';
import type { ScorecardService } from '../src/accountability/scorecard.service.js';
import type { Logger } from '../src/core/logger.js';
import { JOB_NAMES } from './job-names.js';

export function previousMonth(now: Date): { from: Date; to: Date; label: string } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 1, 1));
  return { from, to, label: from.toISOString().slice(0, 7) };
}

export function defineScorecardJob(agenda: Agenda, deps: { scorecards: ScorecardService; logger: Logger }): void {
  agenda.define(
    JOB_NAMES.scorecardMonthly,
    async () => {
      const { from, to, label } = previousMonth(new Date());
      const cards = await deps.scorecards.sendSummaries(from, to, label);
      deps.logger.info({ month: label, people: cards.length }, 'monthly scorecards sent');
    },
    { concurrency: 1, lockLifetime: 60_000 },
  );
}
