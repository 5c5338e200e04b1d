import { defineCommand } from '../command-definition';
import { notImplemented } from './not-implemented';

export const devCommand = defineCommand({
  name: 'dev',
  configure: command =>
    command.description(
      '`all` on embedded defaults: MONGO_URL or the embedded emulator, REDIS_URL or a redis-server it starts; loads sample data, prints the dashboard URL and credentials',
    ),
  run: (_options, context) => notImplemented('dev', context),
});
