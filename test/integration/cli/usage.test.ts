/**
 * The CLI as an operator meets it: a real process, its exit code and what it prints. Usage errors exit 2
 * with the reason on stderr; an invalid environment stops a command before it connects anywhere.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { assertNothingLeaked, trackChildProcess } from '../../support/leak-guard';

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `tsx src/cli/bin.ts ...args` (what `npx tsx` resolves to), with a controlled environment. */
function userSync(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = trackChildProcess(
    spawn(TSX, ['src/cli/bin.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    `user-sync ${args.join(' ')}`,
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', code => resolve({ code, stdout, stderr }));
  });
}

const SPEC_COMMANDS = [
  'listener',
  'worker',
  'dashboard',
  'all',
  'dev',
  'replay',
  'retry',
  'resync',
  'verify',
  'mongo-emulator',
];

describe('user-sync CLI usage', () => {
  afterEach(() => assertNothingLeaked());

  it('--help lists every command of SPEC §3 and exits 0', async () => {
    const run = await userSync(['--help']);
    expect(run.code).toBe(0);
    for (const command of SPEC_COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('shows each command’s flags in its help', async () => {
    const [worker, replay, resync, verify, emulator] = await Promise.all([
      userSync(['worker', '--help']),
      userSync(['replay', '--help']),
      userSync(['resync', '--help']),
      userSync(['verify', '--help']),
      userSync(['mongo-emulator', '--help']),
    ]);
    expect(worker.stdout).toContain('--queues');
    for (const flag of ['--queue', '--id', '--all']) expect(replay.stdout).toContain(flag);
    for (const flag of ['--user', '--account', '--all']) expect(resync.stdout).toContain(flag);
    for (const flag of ['--fix', '--json']) expect(verify.stdout).toContain(flag);
    for (const flag of ['--port', '--oplog-events', '--verbose']) expect(emulator.stdout).toContain(flag);
  });

  it.each<[string, string[], RegExp]>([
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['an unknown flag', ['verify', '--frobnicate'], /unknown option '--frobnicate'/],
    ['an unknown queue', ['worker', '--queues', 'owner-sync,nope'], /--queues.*unknown queue nope/],
    ['a bad port', ['mongo-emulator', '--port', 'abc'], /--port.*must be a port number/],
    ['a bad oplog size', ['mongo-emulator', '--oplog-events', '0'], /--oplog-events.*positive integer/],
    ['a malformed user id', ['resync', '--user', 'not-an-id'], /--user.*ObjectId/],
    ['an unknown replay queue', ['replay', '--queue', 'nope'], /--queue.*'nope' is invalid/],
    ['a stray argument', ['listener', 'extra'], /too many arguments/],
  ])('rejects %s with exit 2 and the reason on stderr', async (_case, args, message) => {
    const run = await userSync(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('user-sync --help');
    expect(run.stdout).toBe('');
  });

  it('prints the usage to stderr and exits 2 without a command', async () => {
    const run = await userSync([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: user-sync <command>');
  });

  it('stops at boot on an invalid environment, naming each bad variable', async () => {
    const run = await userSync(['verify'], {
      WORKER_CONCURRENCY: 'abc',
      MONGO_URL: 'mongodb://u:pw@db:27017',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('WORKER_CONCURRENCY must be a positive integer (got "abc")');
    expect(run.stderr).toContain('MONGO_URL must name the database');
    expect(run.stderr).not.toContain(':pw@');
  });
});
