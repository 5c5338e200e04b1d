import { COMMANDS } from '../../../src/cli/commands';
import { createProgram } from '../../../src/cli/create-program';

function help(command: string): string {
  let out = '';
  const { program } = createProgram(COMMANDS, {
    env: {},
    stdout: { write: (text: string) => void (out += text) },
    stderr: { write: () => undefined },
  } as never);
  try {
    program.parse(['node', 'user-sync', command, '--help']);
  } catch {
    // commander's exitOverride throws once help is shown.
  }
  return out;
}

describe('--help names the environment variables a command reads', () => {
  it('every command that opens a server lists the variables that reach it', () => {
    expect(help('verify')).toMatch(/^Environment \(each one in docs\/configuration\.md\):$/m);
    expect(help('verify')).toMatch(/^ {2}MongoDB: MONGO_URL$/m);
    expect(help('replay')).toMatch(/^ {2}Redis: REDIS_URL, REDIS_CLUSTER_NODES, /m);
    expect(help('replay')).not.toContain('MONGO_URL');
    expect(help('webhooks')).toMatch(/^ {2}Users from Clerk: CLERK_WEBHOOK_SECRET, WEBHOOK_PORT, /m);
    expect(help('all')).toContain('SYNC_REFERENCES');
  });

  it('covers every command', () => {
    for (const { name } of COMMANDS) expect(help(name)).toMatch(/^Environment /m);
  });
});
