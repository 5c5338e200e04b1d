/**
 * Masks the password of every `scheme://user:password@host` in a string, wherever it appears: driver
 * errors, stack traces and our own messages quote connection strings, and a MONGO_URL or REDIS_URL
 * password in a log line is a leaked credential.
 */
// The password part is greedy up to the authority's last `@` (an unencoded `@` in a password still gets
// masked whole) but stops at quotes and backslashes so it never runs past the end of a JSON string.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#"'\\]*):([^\s/?#"'\\]+)@/gi;

export const MASK = '***';

export function scrubUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_match, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
}
