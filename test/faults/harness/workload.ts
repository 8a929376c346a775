// Sends deliveries the way platforms do when things go wrong: every delivery
// twice (half of them both at once, half as a later retry), and any copy that
// got no 2xx — the bot was down, or died mid-request — again until one does.
// A delivery counts as acknowledged once any copy got a 2xx.
import type { Delivery } from './platforms.js';

export interface SendStats {
  /** HTTP requests made (first copies, duplicates and retries). */
  requests: number;
  /** Requests that got no answer or no 2xx (sent again). */
  unanswered: number;
  acknowledged: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ok = (status: number) => status >= 200 && status < 300;

/** Sends one copy until it is answered with a 2xx (or `deadline` passes: then it throws). */
async function untilAnswered(delivery: Delivery, baseUrl: string, stats: SendStats, deadline: number): Promise<void> {
  for (;;) {
    stats.requests++;
    const status = await delivery.send(baseUrl);
    if (ok(status)) return;
    stats.unanswered++;
    if (Date.now() > deadline) throw new Error(`delivery ${delivery.id} (${delivery.platform}) never got a 2xx; last status ${status}`);
    await sleep(150 + Math.random() * 350);
  }
}

export interface SendAllOptions {
  baseUrl: string;
  concurrency: number;
  /** Called after each delivery is acknowledged (with how many are). */
  onAcknowledged?: (count: number) => void;
  timeoutMs?: number;
}

/** Sends every delivery twice, `concurrency` deliveries at a time. */
export async function sendAllTwice(deliveries: Delivery[], options: SendAllOptions): Promise<SendStats> {
  const stats: SendStats = { requests: 0, unanswered: 0, acknowledged: 0 };
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < deliveries.length; i = next++) {
      const delivery = deliveries[i];
      if (i % 2 === 0) {
        // Both copies at once: the second arrives while the first is running.
        await Promise.all([untilAnswered(delivery, options.baseUrl, stats, deadline), untilAnswered(delivery, options.baseUrl, stats, deadline)]);
      } else {
        // The platform's retry after the first was answered.
        await untilAnswered(delivery, options.baseUrl, stats, deadline);
        await untilAnswered(delivery, options.baseUrl, stats, deadline);
      }
      options.onAcknowledged?.(++stats.acknowledged);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return stats;
}
