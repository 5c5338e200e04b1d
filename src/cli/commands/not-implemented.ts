/**
 * What a command that has not arrived yet runs: it still validates the environment (so a deployment's
 * config errors show up now), then says so and fails. Replaced file by file as the commands land.
 */
import { loadConfig } from '../../config/load-config';
import { ExitCodes, type CliContext } from '../cli-context';

export async function notImplemented(name: string, context: CliContext): Promise<number> {
  loadConfig(context.env);
  context.stderr.write(`user-sync: \`${name}\` is not implemented yet\n`);
  return ExitCodes.failure;
}
