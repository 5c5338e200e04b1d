/** Runs `user-sync <args>` in this process, as a one-shot command, capturing what it prints. */
import { runCli } from '../../src/cli/run-cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliInProcess(args: string[], env: Record<string, string>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'user-sync', ...args], {
    env,
    stdout: { write: text => void (stdout += text) },
    stderr: { write: text => void (stderr += text) },
  });
  return { code, stdout, stderr };
}
