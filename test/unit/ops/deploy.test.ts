// The deployment files hold together: the compose file runs Duban against a
// 3-node MongoDB replica set that its init script initiates, and the Docker
// image is built with the admin scripts and the dashboard's ECharts.
import { describe, it, expect } from '@jest/globals';
import fs from 'node:fs';
import { parse } from 'yaml';

const read = (file: string) => fs.readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');

describe('docker-compose.yml', () => {
  // Compose reads YAML merge keys (`<<: *mongo`), as YAML 1.1 does.
  const compose = parse(read('docker-compose.yml'), { merge: true });
  const mongos = ['mongo1', 'mongo2', 'mongo3'];

  it('has three mongod members of one replica set, each with a health check and its own volume', () => {
    for (const name of mongos) {
      const svc = compose.services[name];
      expect(svc.command).toEqual(['mongod', '--replSet', 'rs0', '--bind_ip_all', '--port', '27017']);
      expect(svc.healthcheck.test).toContain('mongosh');
      expect(svc.volumes).toEqual([`${name}:/data/db`]);
    }
    expect(Object.keys(compose.volumes)).toEqual(mongos);
  });

  it('initiates the set once every member is healthy, with a script naming all three', () => {
    const init = compose.services['mongo-init'];
    for (const name of mongos) expect(init.depends_on[name]).toEqual({ condition: 'service_healthy' });
    const [mount] = init.volumes;
    const script = read(mount.split(':')[0].replace(/^\.\//, ''));
    for (const name of mongos) expect(script).toContain(`${name}:27017`);
    expect(script).toContain("rs.initiate({ _id: 'rs0', members })");
    expect(script).toContain('NotYetInitialized');
  });

  it('starts Duban after the set is ready, with a replica-set connection string and a required admin token', () => {
    const duban = compose.services.duban;
    expect(duban.build).toBe('.');
    expect(duban.depends_on['mongo-init']).toEqual({ condition: 'service_completed_successfully' });
    expect(duban.environment.MONGODB_URI).toBe('mongodb://mongo1:27017,mongo2:27017,mongo3:27017/duban?replicaSet=rs0');
    expect(duban.environment.ADMIN_TOKEN).toMatch(/^\$\{ADMIN_TOKEN:\?/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const scriptsConfig = JSON.parse(read('tsconfig.scripts.json'));

  it('compiles the app and the admin scripts, and runs the compiled app with a readiness health check', () => {
    expect(dockerfile).toContain('COPY scripts ./scripts');
    expect(dockerfile).toContain('RUN npx tsc -p tsconfig.scripts.json');
    expect(scriptsConfig.include).toEqual(['src', 'adapters', 'conversations', 'jobs', 'scripts']);
    expect(dockerfile).toContain('CMD ["node", "dist/src/main.js"]');
    expect(dockerfile).toContain('/readyz');
  });

  it('ships production dependencies, ECharts among them (the dashboard serves it from node_modules)', () => {
    expect(dockerfile).toContain('npm ci --omit=dev');
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.dependencies.echarts).toBeDefined();
    expect(pkg.dependencies['prom-client']).toBeDefined();
  });
});
