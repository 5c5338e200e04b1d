/**
 * Runs once before the integration tests: probes Docker once for every worker (through the environment)
 * and prints which backends the run will use, so the CI log says what the tests ran against.
 */
import { DOCKER_PROBE_ENV, encodeDockerProbe, probeDocker } from './docker-probe';
import { findMongodBinary } from './mongo';

export default async function integrationGlobalSetup(): Promise<void> {
  const docker = await probeDocker();
  process.env[DOCKER_PROBE_ENV] = encodeDockerProbe(docker);
  const mongod = findMongodBinary();
  const mongo = process.env.MONGO_URL
    ? 'MONGO_URL'
    : docker.available
      ? 'testcontainers'
      : mongod
        ? `mongodb-memory-server (${mongod})`
        : 'emulator';
  const redis = process.env.REDIS_URL ? 'REDIS_URL' : docker.available ? 'testcontainers' : 'redis-server';
  process.stderr.write(
    `\n[backends] plan: mongo=${mongo} redis=${redis} ` +
      `(docker: ${docker.available ? 'yes' : 'no'}, ${docker.detail}; mongod: ${mongod ?? 'not found'})\n`,
  );
}
