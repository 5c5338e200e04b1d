/**
 * Redis refused the credentials or the permissions (`WRONGPASS`, `NOAUTH`, `NOPERM`). Not an outage
 * (SPEC §6): waiting does not fix it, so a one-shot command stops at once, with this one line.
 */
import { describeRedisError } from './redis-error';
import { isNamed } from './error-shape';

export class RedisCredentialsRefused extends Error {
  override readonly name = 'RedisCredentialsRefused';

  constructor(address: string, cause: unknown) {
    super(`${refusalReason(address, cause)}`);
  }
}

/** The one line that says so, also what /readyz shows while a role waits. */
export function refusalReason(address: string, cause: unknown): string {
  return (
    `Redis at ${address} refused the credentials or permissions (${describeRedisError(cause)}); ` +
    'check REDIS_URL, or REDIS_USERNAME and REDIS_PASSWORD, and the ACL of that user'
  );
}

export function isRedisCredentialsRefused(error: unknown): boolean {
  return isNamed(error, 'RedisCredentialsRefused');
}
