import { defineCommand } from '../command-definition';
import { notImplemented } from './not-implemented';

export interface VerifyOptions {
  fix?: boolean;
  json?: boolean;
}

export const verifyCommand = defineCommand<VerifyOptions>({
  name: 'verify',
  configure: command =>
    command
      .description('audit every derived copy against the rules; exit 1 when drift is found')
      .option('--fix', 'enqueue repairs for the drift found')
      .option('--json', 'print the report as JSON'),
  run: (_options, context) => notImplemented('verify', context),
});
