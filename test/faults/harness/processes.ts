// The bot and its database as separate processes, the way they run in
// production: the embedded MongoDB-compatible server (`npm run db`) with its
// data on disk, and `src/main.ts` pointed at it with MONGODB_URI. Either can
// be SIGKILLed and started again on the same port and data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
export { freePort } from '../../support/free-port.js';
import { freePort } from '../../support/free-port.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `${prefix}-`));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A child process whose output is kept (the last 200 KB) for the failure message. */
class Child {
  private child?: ChildProcess;
  private output = '';
  exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly what: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
  ) {}

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.output;
  }

  spawn(): void {
    const child = spawn(process.execPath, ['--import', 'tsx', ...this.args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MONGODB_URI: '', ...this.env } });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-200_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.child!.kill(signal);
    await this.exited;
  }

  async waitFor(ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await ready())) {
      if (!this.running) throw new Error(`${this.what} exited before it was ready:\n${this.output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`${this.what} was not ready within ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
      await sleep(100);
    }
  }
}

/** `npm run db -- --port <p> --data-dir <dir>`: the embedded server, durable on disk. */
export class DbProcess {
  private readonly child: Child;
  readonly uri: string;

  constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {
    this.child = new Child('the database', ['src/storage/embedded/cli.ts', '--port', String(port), '--data-dir', dataDir], {});
    this.uri = `mongodb://127.0.0.1:${port}`;
  }

  static async start(dataDir: string): Promise<DbProcess> {
    const db = new DbProcess(await freePort(), dataDir);
    await db.start();
    return db;
  }

  async start(): Promise<void> {
    this.child.spawn();
    await this.child.waitFor(async () => /listening/.test(this.child.log), 30_000);
  }

  get running(): boolean {
    return this.child.running;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.child.kill(signal);
  }
}

/** `node --import tsx src/main.ts` with the given environment, on a fixed port. */
export class BotProcess {
  private readonly child: Child;
  readonly baseUrl: string;
  starts = 0;

  constructor(
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.child = new Child('the bot', ['src/main.ts'], { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env });
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  get running(): boolean {
    return this.child.running;
  }

  get log(): string {
    return this.child.log;
  }

  /** Starts the bot and waits until it answers /readyz (database reachable). */
  async start(): Promise<void> {
    this.child.spawn();
    this.starts++;
    await this.child.waitFor(async () => {
      const res = await fetch(`${this.baseUrl}/readyz`).catch(() => undefined);
      return res?.status === 200;
    }, 60_000);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.child.kill(signal);
  }
}
