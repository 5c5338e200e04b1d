/**
 * No Docker engine runs where these tests run, so the deployment files are checked as data: the compose
 * file parsed as YAML (anchors and merge keys resolved, as Compose does), the Dockerfile read as text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  healthcheck?: { test: string };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  ports?: string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
  const { services } = compose;

  it('has MongoDB, Redis, the listeners, the workers and the dashboard', () => {
    expect(Object.keys(services).sort()).toEqual(['dashboard', 'listener', 'mongo', 'redis', 'worker']);
    expect(services.mongo.image).toBe('mongo:7');
    expect(services.redis.image).toBe('redis:7');
  });

  it('runs MongoDB as a replica set that its healthcheck initiates when needed', () => {
    expect(services.mongo.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    const check = services.mongo.healthcheck?.test ?? '';
    expect(check).toMatch(/rs\.status\(\)/);
    expect(check).toMatch(/rs\.initiate\(\{ _id: 'rs0'/);
    expect(check).toMatch(/isWritablePrimary/);
  });

  it('runs Redis with an append-only file and noeviction', () => {
    const command = services.redis.command ?? [];
    expect(command[command.indexOf('--appendonly') + 1]).toBe('yes');
    expect(command[command.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
  });

  it('runs two listeners (active and standby), three workers and one dashboard from the same image', () => {
    expect(services.listener.deploy?.replicas).toBe(2);
    expect(services.worker.deploy?.replicas).toBe(3);
    for (const name of ['listener', 'worker', 'dashboard']) {
      expect(services[name].image).toBe('user-sync:local');
      expect(services[name].command).toEqual([name]);
      expect(services[name].environment).toMatchObject({
        MONGO_URL: 'mongodb://mongo:27017/app?replicaSet=rs0',
        REDIS_URL: 'redis://redis:6379',
      });
      expect(services[name].depends_on).toEqual({
        mongo: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      // Docker's SIGKILL comes after our own drain timeout.
      expect(parseInt(services[name].stop_grace_period ?? '0', 10) * 1000).toBeGreaterThan(
        Number(services[name].environment?.SHUTDOWN_TIMEOUT_MS),
      );
    }
  });

  it('gives the dashboard its credentials from the environment, required', () => {
    expect(services.dashboard.environment?.DASHBOARD_USER).toMatch(/^\$\{DASHBOARD_USER:\?/);
    expect(services.dashboard.environment?.DASHBOARD_PASSWORD).toMatch(/^\$\{DASHBOARD_PASSWORD:\?/);
    expect(services.dashboard.ports).toEqual(['${DASHBOARD_PORT:-3000}:3000']);
  });

  it('writes healthchecks as shell command lines, which podman-compose 1.0 passes on intact', () => {
    for (const name of ['mongo', 'redis']) expect(typeof services[name].healthcheck?.test).toBe('string');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter(line => /^[A-Z]+\s/.test(line));
  const stages = instructions.filter(line => line.startsWith('FROM '));

  it('builds on node:20-slim in stages and runs only production dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.every(line => /^FROM node:20-slim AS /.test(line))).toBe(true);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).not.toMatch(/npm ci(?! --omit=dev)/);
    expect(runtime).toMatch(/COPY --from=prod-deps .*node_modules/);
  });

  it('runs as a non-root user, checks /healthz, and enters through the compiled CLI', () => {
    const runtime = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]));
    expect(runtime).toContain('USER node');
    expect(runtime.find(line => line.startsWith('HEALTHCHECK'))).toMatch(/\/healthz/);
    expect(runtime).toContain('ENTRYPOINT ["node", "dist/src/cli/bin.js"]');
  });

  it('is built from a small context: .dockerignore keeps dependencies, git and secrets out', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', 'dist', '.git', '.env']) expect(ignored).toContain(entry);
  });
});

describe('docs/kubernetes.md', () => {
  const doc = read('docs/kubernetes.md');
  const deployFiles = (directory: string): string[] =>
    readdirSync(join(ROOT, directory), { withFileTypes: true }).flatMap(entry =>
      entry.isDirectory() ? deployFiles(join(directory, entry.name)) : [join(directory, entry.name)],
    );

  it('links every file of deploy/ (the manifests, alerts, autoscaler values and dashboard)', () => {
    const linked = [...doc.matchAll(/\]\(\.\.\/(deploy\/[^)]+)\)/g)].map(([, path]) => path);
    // The unit tests of the alerts and the lint settings are for maintainers, named in the prose.
    const forUsers = deployFiles('deploy').filter(file => !/(\.test\.yml|\/\.yamllint)$/.test(file));
    expect(forUsers.length).toBeGreaterThan(10);
    expect(forUsers.filter(file => !linked.includes(file))).toEqual([]);
  });

  it('carries no manifest of its own: the tested files are the only copy', () => {
    const blocks = [...doc.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map(([, text]) => text);
    expect(blocks.filter(text => /^\s*(apiVersion|groups|kind):/m.test(text))).toEqual([]);
  });
});
