/** What `dev` prints once everything runs: where things are and how to get in. */
export interface DevBannerInput {
  dashboardUrl: string;
  credentials: { user: string; password: string } | undefined;
  mongo: { url: string; source: string };
  redis: { url: string; source: string };
  sample: Record<string, number>;
  simulateEveryMs: number | undefined;
  webhook: { url: string; secret: string; simulatedEveryMs: number | undefined };
}

export function devBanner(input: DevBannerInput): string {
  const sample = Object.entries(input.sample)
    .map(([name, count]) => `${count} ${name}`)
    .join(', ');
  const lines = [
    '',
    'user-sync dev is running',
    `  dashboard   ${input.dashboardUrl}/`,
    ...(input.credentials === undefined
      ? ['  login       none (DASHBOARD_AUTH=none)']
      : [`  user        ${input.credentials.user}`, `  password    ${input.credentials.password}`]),
    `  metrics     ${input.dashboardUrl}/metrics   health ${input.dashboardUrl}/healthz, ${input.dashboardUrl}/readyz`,
    `  MongoDB     ${input.mongo.url}  (${input.mongo.source})`,
    `  Redis       ${input.redis.url}  (${input.redis.source})`,
    `  sample data ${sample}`,
    input.simulateEveryMs === undefined
      ? '  changes     none simulated (run `npm run dev -- --simulate` to see jobs flow)'
      : `  changes     a sample user changes every ${input.simulateEveryMs} ms`,
    `  webhooks    POST ${input.webhook.url}`,
    `  secret      ${input.webhook.secret}  (CLERK_WEBHOOK_SECRET: sign test events with it)`,
    input.webhook.simulatedEveryMs === undefined
      ? '  Clerk       no events simulated (run `npm run dev -- --simulate-clerk` to send signed ones)'
      : `  Clerk       a signed user event every ${input.webhook.simulatedEveryMs} ms`,
    '  Ctrl-C stops everything (twice: at once).',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
