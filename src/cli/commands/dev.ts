import { defineCommand } from '../command-definition';
import { parsePositiveInt } from '../option-parsers';

export interface DevCommandOptions {
  simulate?: boolean;
  simulateClerk?: boolean;
  simulateEvery: number;
}

export const devCommand = defineCommand<DevCommandOptions>({
  name: 'dev',
  configure: command =>
    command
      .description(
        '`all` on embedded defaults: MONGO_URL or the embedded emulator, REDIS_URL or a redis-server it starts; loads sample data, prints the dashboard URL and credentials, and the webhook URL and its secret',
      )
      .option('--simulate', 'keep changing sample users, so jobs flow')
      .option(
        '--simulate-clerk',
        'keep sending signed Clerk user events to the webhook endpoint (renames, a newcomer created and deleted)',
      )
      .option('--simulate-every <ms>', 'interval between simulated changes', parsePositiveInt, 3000),
  run: async (options, context) => {
    const { runDev } = await import('../../dev/run-dev');
    return runDev(
      {
        simulate: options.simulate ?? false,
        simulateClerk: options.simulateClerk ?? false,
        simulateEveryMs: options.simulateEvery,
      },
      context,
    );
  },
});
