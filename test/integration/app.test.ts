import { describe, it, expect, afterEach } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/core/logger.js';
import { startApp, type RunningApp } from '../../src/app.js';

function quietLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('startApp', () => {
  let app: RunningApp | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the embedded database when MONGODB_URI is absent, answers /readyz, and keeps data across restarts', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-app-'));
    const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    const { logger, lines } = quietLogger();
    app = await startApp(env, logger);
    expect(app.database.kind).toBe('embedded');
    expect(lines.join('')).toContain('using the embedded MongoDB-compatible server');

    const ready = await fetch(`http://127.0.0.1:${app.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'up' });
    const health = await fetch(`http://127.0.0.1:${app.port}/healthz`);
    expect(health.status).toBe(200);

    await app.database.connection.collection('probe').insertOne({ kept: true });
    await app.stop();
    app = await startApp(env, quietLogger().logger);
    expect(await app.database.connection.collection('probe').findOne({}, { projection: { _id: 0 } })).toEqual({ kept: true });
  });

  it('reports not ready once the database stops answering', async () => {
    const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'duban-app-')) });
    dataDir = env.DATA_DIR;
    app = await startApp(env, quietLogger().logger);
    await app.database.connection.close();
    const res = await fetch(`http://127.0.0.1:${app.port}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ database: 'down' });
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-app-'));
    app = await startApp(loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }), quietLogger().logger);
    expect((await fetch(`http://127.0.0.1:${app.port}/nope`)).status).toBe(404);
    const wrong = await fetch(`http://127.0.0.1:${app.port}/healthz`, { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });
});
