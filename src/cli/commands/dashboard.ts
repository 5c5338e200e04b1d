import { defineCommand } from '../command-definition';
import { notImplemented } from './not-implemented';

export const dashboardCommand = defineCommand({
  name: 'dashboard',
  configure: command =>
    command.description(
      'Bull Board at / (API under /api/) for every queue incl. dead-letter, behind credentials; open /healthz, /readyz, /metrics on PORT',
    ),
  run: (_options, context) => notImplemented('dashboard', context),
});
