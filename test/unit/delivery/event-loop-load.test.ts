import { EventLoopLoad } from '../../../src/delivery/event-loop-load.js';

const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EventLoopLoad', () => {
  it('reads busy after a window spent running code, and calm once the hold has passed idle', async () => {
    const load = new EventLoopLoad(50, 1_000);
    await idle(60);
    expect(load.busy()).toBe(false);
    // A window all spent in code (the reading covers the time since the last one).
    spin(80);
    expect(load.utilisation()).toBeGreaterThan(0.7);
    expect(load.busy()).toBe(true);
    // Idle, but still within the hold: a burst's gaps do not count as calm.
    await idle(60);
    expect(load.busy()).toBe(true);
    await idle(1_100);
    expect(load.busy()).toBe(false);
    expect(load.utilisation()).toBeLessThan(0.5);
  });
});
