// Real time plus a jump: unlike a manual clock it keeps running (the outbox's
// pace and the platforms' timestamp windows need time to pass), and a suite
// can still move it forward to make SLA clocks fall due at once.
import type { Clock } from '../../../src/core/clock.js';

export class OffsetClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
