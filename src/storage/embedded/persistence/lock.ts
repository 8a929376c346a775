// Exclusive lock on a data directory: a `LOCK` file holding the owner's pid,
// host name and a random token. A second open is refused while the owner is
// alive (same process, or another live pid on this host); a lock left by a
// dead process (kill -9, crash) is taken over with a warning.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const LOCK_FILE = 'LOCK';

interface LockInfo {
  pid: number;
  hostname: string;
  token: string;
  startedAt: string;
}

export interface DirLock {
  readonly path: string;
  readonly token: string;
  readonly key: string;
}

/** Directories locked by this process (keyed by real path). */
const heldHere = new Set<string>();

function parse(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    return typeof v.pid === 'number' && typeof v.hostname === 'string' && typeof v.token === 'string' ? (v as LockInfo) : null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `file` with `content` atomically (never visible empty); false if it already exists. */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, content);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
    // Filesystem without hard links: fall back to O_EXCL create.
    try {
      fs.writeFileSync(file, content, { flag: 'wx' });
      return true;
    } catch (err2) {
      if ((err2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err2;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

export function acquireLock(dir: string, onWarning: (msg: string) => void): DirLock {
  const key = fs.realpathSync(dir);
  const file = path.join(dir, LOCK_FILE);
  if (heldHere.has(key)) throw new Error(`data directory ${dir} is already open in this process (lock ${file})`);
  const info: LockInfo = { pid: process.pid, hostname: os.hostname(), token: randomBytes(12).toString('hex'), startedAt: new Date().toISOString() };
  const content = JSON.stringify(info);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(file, content)) {
      heldHere.add(key);
      return { path: file, token: info.token, key };
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const other = parse(text);
    if (other && other.hostname === os.hostname() && other.pid !== process.pid && pidAlive(other.pid)) {
      throw new Error(
        `data directory ${dir} is locked by running process ${other.pid} (since ${other.startedAt}); ` +
          `stop it first, or delete ${file} if that process is not using this directory`,
      );
    }
    const who = other ? `process ${other.pid} on ${other.hostname}` : 'an unreadable owner';
    onWarning(`taking over stale lock ${file} left by ${who}`);
    try {
      // Remove it only if nobody replaced it meanwhile.
      if (fs.readFileSync(file, 'utf8') === text) fs.unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`could not acquire lock ${file}: it keeps being re-created by another process`);
}

export function releaseLock(lock: DirLock): void {
  heldHere.delete(lock.key);
  try {
    const other = parse(fs.readFileSync(lock.path, 'utf8'));
    if (other?.token === lock.token) fs.unlinkSync(lock.path);
  } catch {
    // already gone: nothing to release
  }
}
