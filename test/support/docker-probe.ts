/**
 * Is a Docker engine answering? Asked once per process (and handed to jest workers through the
 * environment by the global setup), with a short timeout: on machines with a docker CLI but no daemon,
 * testcontainers' own discovery can take many seconds to give up, for every test file.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';

export interface DockerProbe {
  available: boolean;
  /** Where it answered, or why not. */
  detail: string;
}

/** Set by the global setup so each worker process reads the answer instead of probing again. */
export const DOCKER_PROBE_ENV = 'USER_SYNC_TEST_DOCKER';
const PROBE_TIMEOUT_MS = 1500;

let cached: Promise<DockerProbe> | undefined;

export function probeDocker(): Promise<DockerProbe> {
  cached ??= probeOnce();
  return cached;
}

async function probeOnce(): Promise<DockerProbe> {
  const known = process.env[DOCKER_PROBE_ENV];
  if (known !== undefined && known !== '') {
    const [answer, ...detail] = known.split(':');
    return { available: answer === '1', detail: detail.join(':') || 'from global setup' };
  }
  const target = dockerEndpoint();
  if (target === undefined) return { available: false, detail: 'no DOCKER_HOST and no /var/run/docker.sock' };
  return ping(target);
}

type Endpoint = { socketPath: string } | { host: string; port: number };

function dockerEndpoint(): Endpoint | undefined {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost?.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost?.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  return existsSync('/var/run/docker.sock') ? { socketPath: '/var/run/docker.sock' } : undefined;
}

function ping(endpoint: Endpoint): Promise<DockerProbe> {
  const where = 'socketPath' in endpoint ? endpoint.socketPath : `${endpoint.host}:${endpoint.port}`;
  return new Promise(resolve => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: PROBE_TIMEOUT_MS }, res => {
      res.resume();
      resolve(
        res.statusCode === 200
          ? { available: true, detail: where }
          : { available: false, detail: `${where} answered ${res.statusCode}` },
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)));
    req.on('error', error => resolve({ available: false, detail: `${where}: ${error.message}` }));
    req.end();
  });
}

export function encodeDockerProbe(probe: DockerProbe): string {
  return `${probe.available ? '1' : '0'}:${probe.detail}`;
}
