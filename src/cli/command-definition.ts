/**
 * One CLI command, as each file in `commands/` exports it: how commander should parse it and what runs.
 * `run` resolves to the exit code; long-running commands resolve only when they stop.
 */
import type { Command, OptionValues } from 'commander';
import type { CliContext } from './cli-context';

export interface CommandDefinition<Options = OptionValues> {
  /** Name as typed after `user-sync`. */
  name: string;
  /** Adds the description, arguments and options to the commander command it is given. */
  configure(command: Command): Command;
  run(options: Options, context: CliContext): Promise<number>;
}

/** Lets each command declare its own option type while the table of commands stays uniform. */
export function defineCommand<Options>(definition: CommandDefinition<Options>): CommandDefinition {
  return definition as unknown as CommandDefinition;
}
