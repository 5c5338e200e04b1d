/**
 * The service's one logger factory. Entry points build a logger here and pass it down; modules take it as
 * an argument and `.child({ role, queue, jobId })` it, so every line says which process part wrote it.
 *
 * Secrets are kept out at three layers, because each catches what the others cannot:
 * 1. pino `redact` paths for the shapes we know (cheap, exact);
 * 2. `formatters.log`/`bindings` walk every payload at any depth (user documents, change events, errors);
 * 3. `hooks.streamWrite` scrubs the finished line, which is the only place the message text of
 *    `logger.error(err)` (pino copies `err.message` into `msg`) and formatted `%s` arguments pass through.
 */
import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Config } from '../config/config-types';
import { REDACTED, scrubJsonLine, scrubSecrets } from './scrub-secrets';

export type { Logger };

export interface CreateLoggerOptions extends Pick<Config, 'logLevel' | 'logPretty'> {
  /** Where lines go. @defaultValue stdout */
  destination?: DestinationStream;
  /** Bound to every line as `service`. @defaultValue 'user-sync' */
  service?: string;
}

const SENSITIVE_FIELDS = ['email', 'phone', 'password', 'passwd', 'pwd', 'secret', 'token', 'authorization'];
const REDACT_PATHS = SENSITIVE_FIELDS.flatMap(field => [
  field,
  `*.${field}`,
  `*.*.${field}`,
  `fullDocument.${field}`,
  `fullDocumentBeforeChange.${field}`,
  `user.${field}`,
  `owner.${field}`,
  `req.headers.${field}`,
]);

export function createLogger(options: CreateLoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  const stream = options.logPretty
    ? // pino-pretty as an in-process stream (not a transport worker), so the scrubbed line is what it gets.
      pinoPretty({ destination, colorize: false, sync: true, translateTime: 'SYS:standard' })
    : destination;
  return pino(
    {
      level: options.logLevel,
      // Workers run on many machines: hostname and pid tell them apart.
      base: { service: options.service ?? 'user-sync', hostname: hostname(), pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: {
        // Errors normally are already plain here (formatters.log ran first); this covers `err` bindings.
        err: (value: unknown) => scrubSecrets(value),
      },
      formatters: {
        log: object => scrubSecrets(object) as Record<string, unknown>,
        bindings: bindings => scrubSecrets(bindings) as pino.Bindings,
      },
      hooks: { streamWrite: line => scrubJsonLine(line) },
    },
    stream,
  );
}
