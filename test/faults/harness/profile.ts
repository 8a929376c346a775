// How big each fault suite runs. `npm test` runs the small CI profile so the
// whole suite stays within a few minutes on two cores; `npm run test:faults`
// (FAULTS_PROFILE=full) runs the sizes the reliability figures are quoted at.
export const FULL = process.env.FAULTS_PROFILE === 'full';

export const PROFILE = FULL
  ? {
      name: 'full',
      crash: { commands: 1000, kills: 8, tickets: 40 },
      jobs: { tickets: 12, runs: 2 },
      downtime: { tickets: 8, downMs: 10 * 60_000 },
      outbox: { messages: 150, failureRate: 0.3 },
      fuzz: { strings: 10_000 },
      outage: { downMs: 30_000, senders: 6 },
    }
  : {
      name: 'ci',
      crash: { commands: 60, kills: 1, tickets: 6 },
      jobs: { tickets: 3, runs: 2 },
      downtime: { tickets: 3, downMs: 10 * 60_000 },
      outbox: { messages: 24, failureRate: 0.3 },
      fuzz: { strings: 500 },
      outage: { downMs: 5_000, senders: 3 },
    };

/** A seeded random source, so a failing run can be repeated (FAULTS_SEED=…). */
export function seededRandom(seed = Number(process.env.FAULTS_SEED ?? Date.now() % 1_000_000)): { next: () => number; seed: number } {
  let state = seed >>> 0 || 1;
  return {
    seed,
    next: () => {
      // xorshift32: small, fast, good enough for choosing commands and failures.
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return state / 0x1_0000_0000;
    },
  };
}

export const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
