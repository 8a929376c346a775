// Starts the bot (the real app, bench/lib/sla-bot.ts) in its own Node process
// and talks to it over IPC, so the bench process, the bot and the database
// server each have their own CPU and event loop.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './server.js';

const BOT = path.join(REPO_ROOT, 'bench', 'lib', 'sla-bot.ts');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface BotProcess {
  pid: number;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** Last lines the bot wrote to stderr (its warn/error logs). */
  stderrTail(): string;
  stderrLines(): number;
  /** Stops the app(s) gracefully (Agenda unlocks its locked jobs) and ends the process. */
  stop(): Promise<void>;
  /** Ends the process at once (SIGKILL): no graceful Agenda stop. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Profile the bot with its `profileStart` / `profileStop` commands (it may be killed, so no --cpu-prof). */
export async function startBot(): Promise<BotProcess> {
  const execArgv = ['--import', 'tsx'];
  const child = fork(BOT, [], { cwd: REPO_ROOT, execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  live.add(child);
  let stderr = '';
  let lines = 0;
  child.stderr!.on('data', (d: Buffer) => {
    const s = d.toString();
    lines += s.split('\n').length - 1;
    stderr = (stderr + s).slice(-4000);
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(() => live.delete(child));

  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; cmd: string }>();
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((r) => (readyResolve = r));
  child.on('message', (msg: { ready?: boolean; id?: number; ok?: boolean; result?: unknown; error?: string }) => {
    if (msg.ready) return readyResolve();
    const p = pending.get(msg.id!);
    if (!p) return;
    pending.delete(msg.id!);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(`bot ${p.cmd} failed: ${msg.error}`));
  });
  exited.then((code) => {
    for (const p of pending.values()) p.reject(new Error(`bot exited (code ${code}) during ${p.cmd}\n${stderr}`));
    pending.clear();
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ready,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`bot did not start within ${READY_TIMEOUT_MS} ms\n${stderr}`)), READY_TIMEOUT_MS))),
    exited.then((code) => Promise.reject(new Error(`bot exited (code ${code}) before it was ready\n${stderr}`))),
  ]).finally(() => clearTimeout(timer));

  const call = <T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`bot is not running (${cmd})`));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, cmd });
      child.send({ id, cmd, ...args });
    });
  };

  return {
    pid: child.pid!,
    call,
    stderrTail: () => stderr,
    stderrLines: () => lines,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS).unref());
      const graceful = (async () => {
        await call('stop');
        await call('exit').catch(() => undefined);
        await exited;
      })().catch(() => undefined);
      if ((await Promise.race([graceful, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Puts `dbName` into a connection string that names no database (mongodb://host:port/?opts → mongodb://host:port/dbName?opts). */
export function withDbName(uri: string, dbName: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?([^?]*)(\?.*)?$/.exec(uri);
  if (!m) throw new Error(`cannot add a database name to ${uri}`);
  return `${m[1]}/${dbName}${m[3] ?? ''}`;
}
