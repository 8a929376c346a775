// Runs once after all suites, in Jest's own process (on a 2-core machine Jest runs the
// suites there too). Names what the suites left open — servers, sockets, timers — so a
// leak is seen and fixed in the suite that made it, instead of Jest just never exiting.
// Known and not ours: every Agenda job run leaves its "is the job still alive" check
// sleeping on a ref'd timer for half the lock lifetime (5 min) after the job ended
// (agenda JobProcessor checkIfJobIsStillAlive); the app itself exits explicitly on stop.
import console from 'node:console';
import process from 'node:process';
import { setTimeout as wait } from 'node:timers/promises';
export default async function reportOpenHandles() {
  // Give the last suite's closing sockets and short timers a moment to go.
  await wait(3000);
  const counts = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'TTYWrap' || kind === 'PipeWrap' || kind === 'FSReqCallback') continue;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  const sockets = process
    ._getActiveHandles()
    .filter((h) => h?.constructor?.name === 'Socket' && h.remotePort)
    .map((h) => `${h.localPort} → ${h.remoteAddress}:${h.remotePort}`);
  const servers = process
    ._getActiveHandles()
    .filter((h) => h?.constructor?.name === 'Server')
    .map((h) => JSON.stringify(h.address?.()));
  if (!Object.keys(counts).length) return;
  console.warn(`open after the test run: ${JSON.stringify(counts)}${sockets.length ? `; sockets ${sockets.join(', ')}` : ''}${servers.length ? `; servers ${servers.join(', ')}` : ''}`);
}
