// Commands per person per minute. A person (or a script using their account)
// who sends too many gets a clear answer instead of filling the ticket store;
// a platform's retry of a delivery already accepted is answered from the
// delivery log before the limiter is asked, so it is never blocked.
import type { Clock } from '../core/clock.js';

export type RateDecision = { ok: true } | { ok: false; retryInSeconds: number; limit: number };

export interface CommandRateLimit {
  /** Counts one command for `key`; says whether it may run. */
  take(key: string): RateDecision;
}

const WINDOW_MS = 60_000;

/** A sliding one-minute window per key; in memory (each process limits what it receives). */
export class SlidingWindowRateLimit implements CommandRateLimit {
  private readonly hits = new Map<string, number[]>();
  private taken = 0;

  constructor(
    readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  take(key: string): RateDecision {
    const now = this.clock.now().getTime();
    if (++this.taken % 1000 === 0) this.forgetIdle(now);
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    if (recent.length >= this.perMinute) {
      this.hits.set(key, recent);
      return { ok: false, retryInSeconds: Math.max(1, Math.ceil((recent[0] + WINDOW_MS - now) / 1000)), limit: this.perMinute };
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { ok: true };
  }

  /** Keeps the map small when many people come and go. */
  private forgetIdle(now: number): void {
    for (const [key, times] of this.hits) if (!times.length || times[times.length - 1] <= now - WINDOW_MS) this.hits.delete(key);
  }
}
