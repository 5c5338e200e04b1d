import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';

export const webhooksCommand = defineCommand({
  name: 'webhooks',
  configure: command =>
    command.description(
      "the identity provider's webhook endpoint: POST /webhooks/clerk on WEBHOOK_PORT (default 3001), verified with CLERK_WEBHOOK_SECRET; probes and /metrics on PORT",
    ),
  run: async (_options, context) => {
    const { loadConfig } = await import('../../config/load-config');
    if (loadConfig(context.env).identity.webhookSecret === undefined) {
      context.stderr.write(
        "user-sync webhooks: CLERK_WEBHOOK_SECRET is not set: give it the endpoint's signing secret from Clerk's dashboard (whsec_...)\n",
      );
      return ExitCodes.failure;
    }
    const [{ runServiceRole }, { startWebhooksRole }] = await Promise.all([
      import('../service-runner'),
      import('../../roles/start-webhooks-role'),
    ]);
    return runServiceRole(context, 'webhooks', async (deps, releasers, http) => {
      await startWebhooksRole(deps, releasers, http.registry);
      http.attach({ deps });
    });
  },
});
