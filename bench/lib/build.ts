// The benchmark runs Duban as it runs in production — compiled JavaScript,
// `node dist/src/main.js`, what the container image starts — not the
// TypeScript sources through tsx (whose loader keeps every module's source and
// source map in memory: ~130 MB more RSS at start-up). The bare Bolt baseline
// is compiled the same way, so neither side carries the loader.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './server.js';

/** What the suites start: the compiled app and the compiled baseline, relative to the repository. */
export const DUBAN_MAIN = 'dist/src/main.js';
export const BARE_BOLT = 'dist/bench/bare-bolt.js';

function tsc(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc ${args.join(' ')} failed (${code}):\n${out.slice(-2000)}`))));
  });
}

let built: Promise<number> | undefined;

/** Compiles both once per bench run (`npm run build`, and the baseline's one file); resolves with the ms it took. */
export function buildForBench(): Promise<number> {
  built ??= (async () => {
    const t0 = performance.now();
    await Promise.all([
      tsc(['-p', 'tsconfig.build.json']),
      tsc(['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--outDir', 'dist/bench', 'bench/lib/bare-bolt.ts']),
    ]);
    return Math.round(performance.now() - t0);
  })();
  return built;
}
