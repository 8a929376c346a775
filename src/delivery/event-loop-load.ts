// How busy this process is: the share of the last moments its event loop spent
// running code rather than waiting. One thread answers people and sends the
// outbox; when it is nearly always busy, what can wait should.
import { performance } from 'node:perf_hooks';

export class EventLoopLoad {
  private last = performance.eventLoopUtilization();
  private at = performance.now();
  private value = 0;
  private busyUntil = 0;

  /**
   * @param windowMs how long each reading looks back (and how often it is taken).
   * @param holdMs how long the process still counts as busy after a busy reading: a burst of
   *   commands has gaps, and full-speed sending in each gap would land on the next commands.
   */
  constructor(
    private readonly windowMs = 250,
    private readonly holdMs = 2_000,
  ) {}

  /** 0 (idle) to 1 (never idle) over the last window. */
  utilisation(): number {
    const now = performance.now();
    if (now - this.at >= this.windowMs) {
      const current = performance.eventLoopUtilization();
      this.value = performance.eventLoopUtilization(current, this.last).utilization;
      this.last = current;
      this.at = now;
    }
    return this.value;
  }

  /** Busy: at least `above` (0–1) of a window in the last `holdMs` was spent running code. */
  busy(above = 0.7): boolean {
    const now = performance.now();
    if (this.utilisation() >= above) this.busyUntil = now + this.holdMs;
    return now < this.busyUntil;
  }
}
