// `npm run db`: the embedded server on its own, for mongosh, Compass or
// several bot processes sharing one database.
import { parseArgs } from 'node:util';
import { EmbeddedMongoServer } from './server.js';

const USAGE = 'usage: npm run db -- [--host 127.0.0.1] [--port 27017] [--data-dir ./.data | --in-memory]';

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: process.env.DB_PORT ?? '27017' },
        'data-dir': { type: 'string', default: process.env.DATA_DIR ?? './.data' },
        'in-memory': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number from 0 to 65535, got '${values.port}'\n${USAGE}`);
    process.exit(2);
  }
  const dataDir = values['in-memory'] ? undefined : values['data-dir'];
  const server = await EmbeddedMongoServer.start({
    host: values.host,
    port,
    dataDir,
    log: (level, message, detail) => console.error(`[${level}] ${message}`, detail ?? ''),
  });
  console.log(`embedded MongoDB-compatible server listening on ${server.uri} (${dataDir ? `data in ${dataDir}` : 'in memory'})`);
  const shutdown = (signal: string) => {
    console.log(`${signal}: flushing and stopping`);
    server.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`embedded server failed to start: ${(err as Error).message}`);
  process.exit(1);
});
