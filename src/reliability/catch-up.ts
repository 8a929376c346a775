// Start-up catch-up on the SLA clocks. One sweep fires the milestone each
// clock is due for; after a long downtime firing it makes the next one due
// at once (reminder → breach → re-nags → escalation), so the sweep is
// repeated until nothing more is due, instead of leaving the rest to the job
// scheduler's next rounds. Every fire is idempotent, so racing the jobs is safe.
import type { Logger } from '../core/logger.js';

export interface Sweeper {
  sweep(): Promise<number>;
}

/** Sweeps until a pass fires nothing (at most `maxPasses`); returns how many milestones fired. */
export async function catchUpClocks(clocks: Sweeper, logger: Pick<Logger, 'info'>, maxPasses = 50): Promise<number> {
  let total = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    const fired = await clocks.sweep();
    total += fired;
    if (!fired) break;
  }
  if (total) logger.info({ milestones: total }, 'caught up on clock milestones missed while the bot was down');
  return total;
}
