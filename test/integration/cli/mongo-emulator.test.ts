/**
 * `user-sync mongo-emulator` as a developer runs it: prints a URI a driver can use, serves change-stream
 * capable replica set `rs0`, and stops cleanly on SIGTERM; with `--host 0.0.0.0 --advertise-host A` it serves
 * other machines and containers, which reach it as A.
 */
import { loadConfig } from '../../../src/config/load-config';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { assertNothingLeaked, trackChildProcess, trackMongoClient } from '../../support/leak-guard';

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
// Another machine would dial a non-loopback address; a machine with only loopback tests with that.
const EXTERNAL =
  Object.values(os.networkInterfaces())
    .flatMap(entries => entries ?? [])
    .find(entry => entry.family === 'IPv4' && !entry.internal)?.address ?? '127.0.0.1';

describe('user-sync mongo-emulator', () => {
  afterEach(() => assertNothingLeaked());

  it.each([
    ['127.0.0.1', []],
    [EXTERNAL, ['--host', '0.0.0.0', '--advertise-host', EXTERNAL]],
  ])('prints a working URI on %s and exits 0 on SIGTERM', async (host, hostArgs) => {
    const child = trackChildProcess(
      spawn(TSX, ['src/cli/bin.ts', 'mongo-emulator', '--port', '0', '--oplog-events', '100', ...hostArgs], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
      'mongo-emulator',
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');

    const uri = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find(candidate => candidate.startsWith('mongodb://'));
        if (line) resolve(line.trim());
      });
      child.once('exit', code => reject(new Error(`exited with ${code} before printing a URI:\n${stderr}`)));
    });
    expect(uri).toMatch(
      new RegExp(`^mongodb://${host.replace(/\./g, '\\.')}:\\d+/user-sync\\?replicaSet=rs0$`),
    );
    // What it prints is a MONGO_URL the service accepts as it is.
    expect(loadConfig({ MONGO_URL: uri }).mongoDatabase).toBe('user-sync');

    const client = trackMongoClient(await new MongoClient(uri).connect());
    try {
      const hello = await client.db('admin').command({ hello: 1 });
      expect(hello.setName).toBe('rs0');
      const users = client.db('cli-check').collection('_users');
      await users.insertOne({ name: 'Ada' });
      expect(await users.countDocuments()).toBe(1);
    } finally {
      await client.close();
    }

    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
