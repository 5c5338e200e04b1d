/**
 * The commander program for `user-sync <command>`. Commander never exits the process itself
 * (`exitOverride`): `runCli` turns its errors into exit codes, so the whole CLI can run inside a test.
 */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import type { CommandDefinition } from './command-definition';
import { environmentHelp } from './command-environment';

export interface Program {
  program: Command;
  /** The exit code of the command that ran, once its `run` resolved. */
  exitCode(): number | undefined;
}

export function createProgram(commands: readonly CommandDefinition[], context: CliContext): Program {
  let exitCode: number | undefined;
  const program = new Command('user-sync')
    .description(
      'Keeps denormalized copies of user data correct: users change stream -> BullMQ jobs -> workers.',
    )
    .usage('<command> [options]')
    .exitOverride()
    .configureOutput({
      writeOut: text => context.stdout.write(text),
      writeErr: text => context.stderr.write(text),
    })
    .showHelpAfterError('(run `user-sync --help` for usage)')
    .showSuggestionAfterError(true);

  for (const definition of commands) {
    const command = definition.configure(program.command(definition.name));
    const environment = environmentHelp(definition.name);
    if (environment !== '') command.addHelpText('after', environment);
    command.action(async (options: Record<string, unknown>) => {
      exitCode = await definition.run(options, context);
    });
  }
  return { program, exitCode: () => exitCode };
}
