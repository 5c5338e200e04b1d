import { readFileSync } from 'node:fs';
import { connect, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { MongoClient } from 'mongodb';
import { startAll, type AllProcess } from '../../support/all-process';
import { spawnCli } from '../../support/cli-process';
import { assertNothingLeaked } from '../../support/leak-guard';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';
import { acquireTestRedis, type TestRedis } from '../../support/redis';
import { startRedisTls, type TestRedisTls } from '../../support/redis-tls';
import { seedCopiedUsers } from '../../support/user-copies';

/**
 * SPEC §4: `rediss://` sends the host name (SNI) and verifies the certificate against it; REDIS_TLS_CA_FILE
 * trusts a private CA. Against `redis-server --tls-port` with certificates made by openssl.
 */
describe('Redis over TLS', () => {
  let tls: TestRedisTls;
  let mongo: TestMongo;
  let plain: TestRedis;
  let client: MongoClient;
  let all: AllProcess | undefined;
  beforeAll(async () => {
    tls = await startRedisTls();
    mongo = await acquireTestMongo();
    plain = await acquireTestRedis();
    client = await mongo.connect();
  });
  afterAll(async () => {
    await all?.stop();
    await client.close();
    await plain.release();
    await mongo.release();
    await tls.release();
    await assertNothingLeaked();
  });

  it('runs all through TLS with a private CA: every copy follows a rename', async () => {
    const database = mongo.databaseName();
    const copies = await seedCopiedUsers(client.db(database), 3);
    all = await startAll({ ...tls.env(), MONGO_URL: mongo.urlFor(database), QUEUE_PREFIX: 'tls-all' });
    await all.waitUntilReady();
    await copies.rename('Over TLS');
    await copies.converged(30_000);
    await all.stop();
    all = undefined;
  });

  it('sends the host name as SNI on every connection', async () => {
    const proxy = await sniRecordingProxy(tls, plain.url);
    try {
      const retry = spawnCli(['retry'], {
        REDIS_URL: `rediss://localhost:${proxy.port}`,
        REDIS_TLS_CA_FILE: tls.caFile,
      });
      expect(await retry.exited).toEqual({ code: 0, signal: null });
      expect(proxy.serverNames.length).toBeGreaterThan(0);
      expect(new Set(proxy.serverNames)).toEqual(new Set(['localhost']));
    } finally {
      await proxy.close();
    }
  });

  it('refuses a certificate from an unknown CA at once, in one line', async () => {
    const retry = spawnCli(['retry'], { REDIS_URL: tls.url });
    expect((await retry.exited).code).toBe(1);
    const lines = retry.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^user-sync retry: cannot reach Redis at rediss:\/\/localhost:\d+ .*\(TLS: (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/,
    );
  });

  it('refuses a certificate for another host name, in one line', async () => {
    await tls.restartWithCertFor('other.example');
    try {
      const started = Date.now();
      const retry = spawnCli(['retry'], { ...tls.env(), CONNECT_TIMEOUT_MS: '10000' });
      expect((await retry.exited).code).toBe(1);
      expect(Date.now() - started).toBeLessThan(8000);
      const lines = retry.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/\(TLS: ERR_TLS_CERT_ALTNAME_INVALID: .*other\.example/);
    } finally {
      await tls.restartWithCertFor('localhost');
    }
  });
});

/**
 * A TLS front for a plain Redis that notes the SNI of each connection, as a managed service's proxy reads
 * it to route: the connection works only if the client's TLS is what such services need.
 */
async function sniRecordingProxy(
  tls: TestRedisTls,
  redisUrl: string,
): Promise<{ port: number; serverNames: (string | false | null)[]; close(): Promise<void> }> {
  const certs = dirname(tls.caFile);
  const target = new URL(redisUrl);
  const serverNames: (string | false | null)[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createTlsServer(
    { cert: readFileSync(join(certs, 'localhost.crt')), key: readFileSync(join(certs, 'localhost.key')) },
    (socket: TLSSocket) => {
      serverNames.push(socket.servername);
      const upstream = connect(Number(target.port), target.hostname);
      for (const end of [socket, upstream]) {
        sockets.add(end);
        end.on('error', () => undefined);
        end.on('close', () => sockets.delete(end));
      }
      socket.pipe(upstream).pipe(socket);
    },
  );
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    serverNames,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
