// Child processes of the `slack-ack` suite (Duban, the bare Bolt app, the fake
// Slack API): spawn, wait until ready (a stdout line or an HTTP 200), read
// their RSS from /proc, and stop them (SIGTERM, then SIGKILL after a while).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { now } from './measure.js';

const STOP_TIMEOUT_MS = 15_000;

export interface Child {
  pid: number;
  child: ChildProcess;
  /** ms from spawn until ready (the stdout line or the first HTTP 200). */
  readyMs: number;
  stderrTail(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) {
    try {
      // Detached children lead their own process group (npm → tsx → node): end the whole group.
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
});

/** GET `url` once; resolves with the status (0 when nothing answered). */
export function httpStatus(url: string, timeoutMs = 1_000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export interface StartOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Ready when stdout matches this… */
  readyLine?: RegExp;
  /** …or when this URL answers 200 (polled every `pollMs`). */
  readyUrl?: string;
  pollMs?: number;
  timeoutMs?: number;
  /** Own process group (for `npm start`, whose node is a grandchild): stop() signals the whole group. */
  group?: boolean;
}

export async function startChild(o: StartOptions): Promise<Child & { match?: RegExpExecArray }> {
  const t0 = now();
  const spawnOptions: SpawnOptions = { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: !!o.group };
  const child = spawn(o.command, o.args, spawnOptions);
  live.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let hasExited = false;
  void exit.then(() => {
    hasExited = true;
    live.delete(child);
  });
  const timeoutMs = o.timeoutMs ?? 60_000;
  let match: RegExpExecArray | undefined;
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${o.args.join(' ')}: not ready within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${o.args.join(' ')} exited (code ${code}) before it was ready\n${stderr}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      if (!o.readyLine) return;
      out = (out + d.toString()).slice(-8000);
      const m = o.readyLine.exec(out);
      if (m && !match) {
        match = m;
        clearTimeout(timer);
        resolve();
      }
    });
    if (o.readyUrl) {
      const url = o.readyUrl;
      const poll = async () => {
        while (!hasExited) {
          if ((await httpStatus(url, 500)) === 200) {
            clearTimeout(timer);
            return resolve();
          }
          await new Promise((r) => setTimeout(r, o.pollMs ?? 10));
        }
      };
      void poll();
    }
  });
  ready.catch(() => undefined);
  try {
    await ready;
  } catch (err) {
    signal(child, !!o.group, 'SIGKILL');
    throw err;
  }
  const readyMs = now() - t0;
  return {
    pid: child.pid!,
    child,
    readyMs,
    match,
    stderrTail: () => stderr,
    exited: () => hasExited,
    async stop() {
      if (hasExited) return;
      signal(child, !!o.group, 'SIGTERM');
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS).unref());
      if ((await Promise.race([exit, timeout])) === 'timeout') {
        signal(child, !!o.group, 'SIGKILL');
        await exit;
      }
    },
  };
}

function signal(child: ChildProcess, group: boolean, sig: NodeJS.Signals): void {
  try {
    if (group && child.pid) process.kill(-child.pid, sig);
    else child.kill(sig);
  } catch {
    // already gone
  }
}

/** Resident set size (MB) of a process, from /proc/<pid>/status (NaN when unreadable). */
export async function rssMb(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return NaN;
  }
}
