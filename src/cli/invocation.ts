/**
 * How to type a user-sync command where this process runs, for the hints it prints. In a checkout, run
 * through an npm script (`npm run dev`, `npm run user-sync -- verify`), `user-sync` is not on PATH and
 * `npx user-sync` finds nothing (npm links no package's own binary into its checkout): there the hint
 * is `npm run user-sync -- <command>`. Installed, or in the image, it is `user-sync <command>`.
 */
export function userSyncCommand(command: string, env: NodeJS.ProcessEnv = process.env): string {
  const inCheckout = env.npm_lifecycle_event !== undefined && env.npm_package_name === 'user-sync';
  return `${inCheckout ? 'npm run user-sync --' : 'user-sync'} ${command}`;
}
