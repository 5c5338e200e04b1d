/**
 * A server a one-shot command needs did not answer in time (SPEC §6): the command says which one, at
 * which address (never with credentials), in one line, and exits non-zero instead of waiting forever.
 */
import { scrubUrlCredentials } from '../logging/scrub-url-credentials';
import { isNamed } from './error-shape';

export class ServerUnreachable extends Error {
  override readonly name = 'ServerUnreachable';

  /** `waitedMs` undefined: the server refused at once, there was no wait to speak of. */
  constructor(
    server: 'MongoDB' | 'Redis',
    url: string,
    waitedMs: number | undefined,
    reason: string | undefined,
  ) {
    super(
      `cannot reach ${server} at ${scrubUrlCredentials(url)}` +
        (waitedMs === undefined ? '' : ` within ${Math.round(waitedMs / 100) / 10} s`) +
        (reason ? ` (${reason})` : ''),
    );
  }
}

export function isServerUnreachable(error: unknown): boolean {
  return isNamed(error, 'ServerUnreachable');
}

/** The short cause of a connection error: `ECONNREFUSED`, `ENOTFOUND`, or the driver's first line. */
export function connectionReason(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 200);
}
