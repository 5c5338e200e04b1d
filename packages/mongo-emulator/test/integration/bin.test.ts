/**
 * The `mongo-emulator` bin as a developer or a compose file runs it: prints a URI a driver can use, listens
 * where `--host` says, advertises `--advertise-host`, refuses bad options, stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { externalIPv4 } from '../support/external-address';
import { assertNothingLeaked, trackMongoClient, trackResource } from '../support/leak-guard';

const PACKAGE = join(__dirname, '..', '..');
const TSX = require.resolve('tsx/cli');

function runBin(args: string[]): ChildProcess & { stdout: NodeJS.ReadableStream } {
  const child = spawn(process.execPath, [TSX, 'src/bin.ts', ...args], {
    cwd: PACKAGE,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackResource(
    child,
    'child process',
    `mongo-emulator ${args.join(' ')}`,
    () => child.exitCode === null && child.signalCode === null,
  );
  return child as ChildProcess & { stdout: NodeJS.ReadableStream };
}

function output(stream: NodeJS.ReadableStream): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

afterEach(() => assertNothingLeaked());

describe('mongo-emulator (bin)', () => {
  it('--host 0.0.0.0 --advertise-host A: prints a URI on A that a driver uses, exits 0 on SIGTERM', async () => {
    const advertised = externalIPv4() ?? '127.0.0.1';
    const child = runBin(['--port', '0', '--host', '0.0.0.0', '--advertise-host', advertised]);
    const stderr = output(child.stderr!);
    const exited = once(child, 'exit');
    const uri = await new Promise<string>((resolve, reject) => {
      const stdout = output(child.stdout);
      child.stdout.on('data', () => {
        const line = stdout()
          .split('\n')
          .find(candidate => candidate.startsWith('mongodb://'));
        if (line) resolve(line.trim());
      });
      child.once('exit', code =>
        reject(new Error(`exited with ${code} before printing a URI:\n${stderr()}`)),
      );
    });
    expect(uri).toMatch(new RegExp(`^mongodb://${advertised.replace(/\./g, '\\.')}:\\d+/\\?replicaSet=rs0$`));

    const client = trackMongoClient(await new MongoClient(uri).connect());
    try {
      await client.db('bin').collection('things').insertOne({ ok: true });
      expect(await client.db('bin').collection('things').countDocuments()).toBe(1);
    } finally {
      await client.close();
    }
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('refuses a bad port with exit code 2 and says why', async () => {
    const child = runBin(['--port', 'abc']);
    const stderr = output(child.stderr!);
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr()).toContain("--port must be an integer from 0 to 65535, got 'abc'");
  });
});
