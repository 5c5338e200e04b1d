import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';
import { InvalidArgumentError } from 'commander';

function parsePageSize(value: string): number {
  const size = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(size >= 1 && size <= 500)) throw new InvalidArgumentError('must be an integer from 1 to 500.');
  return size;
}

export interface ImportIdentitiesOptions {
  /** Users per request to Clerk's API (its maximum is 500). */
  pageSize: number;
}

export const importIdentitiesCommand = defineCommand<ImportIdentitiesOptions>({
  name: 'import-identities',
  configure: command =>
    command
      .description(
        'import every user Clerk already has (CLERK_SECRET_KEY; CLERK_API_URL optional) through identity-sync; safe to run again',
      )
      .option('--page-size <n>', 'users per request to Clerk (1-500)', parsePageSize, 100),
  run: async (options, context) => {
    const { loadConfig } = await import('../../config/load-config');
    const { identity } = loadConfig(context.env);
    if (identity.secretKey === undefined) {
      context.stderr.write(
        "user-sync import-identities: CLERK_SECRET_KEY is not set: give it a secret key from Clerk's dashboard (sk_live_... or sk_test_...)\n",
      );
      return ExitCodes.failure;
    }
    const secretKey = identity.secretKey;
    const [{ withQueues }, { importIdentities }, { ClerkApiError }, { QueueNames }, { SingleBar, Presets }] =
      await Promise.all([
        import('../../operations/with-queues'),
        import('../../identity/import-identities'),
        import('../../identity/clerk-user-pages'),
        import('../../queues/queue-names'),
        import('cli-progress'),
      ]);
    const tty = Boolean((context.stdout as { isTTY?: boolean }).isTTY);
    const bar = tty
      ? new SingleBar(
          {
            format: 'import-identities {value} users listed, {queued} queued {note}',
            stream: process.stdout,
          },
          Presets.shades_classic,
        )
      : undefined;
    bar?.start(0, 0, { queued: 0, note: '' });
    try {
      const report = await withQueues(context.env, 'import-identities', queues =>
        importIdentities(
          queues.get(QueueNames.identitySync),
          {
            apiUrl: identity.apiUrl,
            secretKey,
            pageSize: options.pageSize,
            onRetry: (waitMs, status) =>
              bar?.update({ note: `(HTTP ${status}: waiting ${Math.ceil(waitMs / 1000)} s)` }),
          },
          progress => {
            bar?.setTotal(progress.listed);
            bar?.update(progress.listed, { queued: progress.queued, note: '' });
          },
        ),
      );
      bar?.stop();
      for (const skip of report.skipped)
        context.stderr.write(`import-identities: skipped ${skip.clerkId}: ${skip.reason}\n`);
      context.stdout.write(
        `import-identities: ${report.listed} users listed, ${report.queued} queued for identity-sync, ${report.skipped.length} skipped; workers serving identity-sync apply them\n`,
      );
      return ExitCodes.ok;
    } catch (error) {
      bar?.stop();
      if (!(error instanceof ClerkApiError)) throw error;
      context.stderr.write(`user-sync import-identities: ${error.message}\n`);
      return ExitCodes.failure;
    }
  },
});
