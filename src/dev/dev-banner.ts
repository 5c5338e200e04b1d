/**
 * What `dev` prints: where things are and how to get in. Once everything runs, the full banner; before,
 * while a server it needs does not answer, a banner that says which and why, with the same addresses, so
 * the dashboard and /readyz can be opened at once (they say the same until it answers).
 */
export interface DevAddresses {
  dashboardUrl: string;
  credentials: { user: string; password: string } | undefined;
  mongo: { url: string; source: string };
  redis: { url: string; source: string };
}

export interface DevBannerInput extends DevAddresses {
  sample: Record<string, number>;
  simulateEveryMs: number | undefined;
  webhook: { url: string; secret: string; simulatedEveryMs: number | undefined };
  /** `NAME='value'` for the servers dev chose, to paste into another terminal. */
  cliExports: readonly string[];
  /** A command to try there. */
  cliExample: string;
}

export function devBanner(input: DevBannerInput): string {
  const sample = Object.entries(input.sample)
    .map(([name, count]) => `${count} ${name}`)
    .join(', ');
  const lines = [
    '',
    'user-sync dev is running',
    ...addressLines(input),
    `  sample data ${sample}`,
    input.simulateEveryMs === undefined
      ? '  changes     none simulated (run `npm run dev -- --simulate` to see jobs flow)'
      : `  changes     a sample user changes every ${input.simulateEveryMs} ms`,
    `  webhooks    POST ${input.webhook.url}`,
    `  secret      ${input.webhook.secret}  (CLERK_WEBHOOK_SECRET: sign test events with it)`,
    input.webhook.simulatedEveryMs === undefined
      ? '  Clerk       no events simulated (run `npm run dev -- --simulate-clerk` to send signed ones)'
      : `  Clerk       a signed user event every ${input.webhook.simulatedEveryMs} ms`,
    input.cliExports.length === 0
      ? `  CLI         ${input.cliExample}  (with your MONGO_URL and REDIS_URL)`
      : `  CLI         export ${input.cliExports.join(' ')}`,
    ...(input.cliExports.length === 0 ? [] : [`              then: ${input.cliExample}`]),
    '  Ctrl-C stops everything (twice: at once).',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `waiting`: each server down, by name, with the reason /readyz gives ("waiting for Redis at
 * redis://127.0.0.1:6390 (ECONNREFUSED)"). It ends "Ctrl-C stops it", not with the running banner's last
 * line, which scripts wait for as "dev is up".
 */
export function devWaitingBanner(
  input: DevAddresses & { waiting: readonly { label: string; reason: string }[] },
): string {
  const names = input.waiting.map(item => item.label);
  const lines = [
    '',
    `user-sync dev is waiting for ${names.join(' and ')}; it goes on by itself once ${names.length > 1 ? 'they answer' : 'it answers'}`,
    ...input.waiting.map(item => `  ${item.reason}`),
    ...addressLines(input),
    '  until then the dashboard answers 503 and /readyz names what dev waits for',
    '  Ctrl-C stops it.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** A later server found down while dev already waits for another. */
export function devAlsoWaitingLine(reason: string): string {
  return `  and ${reason}\n`;
}

function addressLines(input: DevAddresses): string[] {
  const url = input.dashboardUrl;
  return [
    `  dashboard   ${url}/`,
    ...(input.credentials === undefined
      ? ['  login       none (DASHBOARD_AUTH=none)']
      : [`  user        ${input.credentials.user}`, `  password    ${input.credentials.password}`]),
    `  metrics     ${url}/metrics   health ${url}/healthz, ${url}/readyz`,
    `  MongoDB     ${input.mongo.url}  (${input.mongo.source})`,
    `  Redis       ${input.redis.url}  (${input.redis.source})`,
  ];
}
