/**
 * Parses argv, runs the chosen command and answers with the process exit code: 2 for usage errors
 * (unknown command, bad flag, bad flag value), 1 for a command that failed (including bad configuration,
 * whose message names every offending variable), the command's own code otherwise.
 */
import { CommanderError } from 'commander';
import { isConfigError } from '../config/config-error';
import { isServerUnreachable } from '../errors/server-unreachable';
import { isRedisCredentialsRefused } from '../errors/redis-credentials-refused';
import { describeRedisError, isRedisCredentialError } from '../errors/redis-error';
import { ExitCodes, type CliContext } from './cli-context';
import { COMMANDS } from './commands';
import { createProgram } from './create-program';

export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const { program, exitCode } = createProgram(COMMANDS, context);
  if (argv.length <= 2) {
    // No command: the usage, as an error (scripts calling `user-sync` bare are broken).
    program.outputHelp({ error: true });
    return ExitCodes.usage;
  }
  try {
    await program.parseAsync([...argv]);
    return exitCode() ?? ExitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are successful answers, everything else commander rejects is usage.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? ExitCodes.ok
        : ExitCodes.usage;
    }
    // Only failures need it, and it brings pino along: `--help` and a clean run start faster without.
    const { scrubText } = await import('../logging/scrub-secrets');
    if (isServerUnreachable(error) || isRedisCredentialsRefused(error)) {
      context.stderr.write(`user-sync ${argv[2]}: ${scrubText((error as Error).message)}\n`);
      return ExitCodes.failure;
    }
    // Connected, then refused a command (an ACL without the permission): the same one line.
    if (isRedisCredentialError(error)) {
      context.stderr.write(`user-sync ${argv[2]}: Redis refused a command: ${describeRedisError(error)}\n`);
      return ExitCodes.failure;
    }
    if (isConfigError(error)) {
      context.stderr.write(`user-sync: ${error.message}\n`);
      return ExitCodes.failure;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    context.stderr.write(`user-sync: ${scrubText(message)}\n`);
    return ExitCodes.failure;
  }
}
