/**
 * `configureFailPoint` (a test command of mongod's, started there with enableTestCommands=1) and how an
 * armed failCommand changes one command's fate before it runs.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Document } from '../types';
import { ErrorCodes, MongoCommandError, commandError } from '../types';
import type { CommandContext, CommandTable } from './command-context';
import type { FailCommandData, FailPointMode, FailPointName } from './fail-point-registry';
import { FAIL_POINTS } from './fail-point-registry';
import { optionalInteger, toNumber } from './numbers';

function parseMode(raw: unknown): FailPointMode {
  if (raw === 'off') return { kind: 'off' };
  if (raw === 'alwaysOn') return { kind: 'alwaysOn' };
  if (raw !== null && typeof raw === 'object') {
    const mode = raw as Document;
    if ('times' in mode) return { kind: 'times', remaining: optionalInteger(mode, 'times') ?? 0 };
    if ('skip' in mode) return { kind: 'skip', remaining: optionalInteger(mode, 'skip') ?? 0 };
    if ('activationProbability' in mode)
      return { kind: 'probability', p: toNumber(mode.activationProbability) ?? 0 };
  }
  throw commandError(ErrorCodes.BadValue, `invalid fail point mode ${JSON.stringify(raw)}`);
}

function parseData(name: FailPointName, raw: unknown): FailCommandData {
  const data = (raw ?? {}) as Document;
  // failGetMoreAfterCursorCheckout names no commands: it is getMore's own.
  const failCommands = name === 'failGetMoreAfterCursorCheckout' ? ['getMore'] : data.failCommands;
  if (!Array.isArray(failCommands) || !failCommands.every(name => typeof name === 'string')) {
    throw commandError(
      ErrorCodes.BadValue,
      "failCommand requires 'data.failCommands', an array of command names",
    );
  }
  const labels = data.errorLabels;
  return {
    failCommands,
    errorCode: optionalInteger(data, 'errorCode'),
    errorLabels: Array.isArray(labels) ? labels.map(String) : undefined,
    closeConnection: data.closeConnection === true,
    blockConnection: data.blockConnection === true,
    blockTimeMS: optionalInteger(data, 'blockTimeMS'),
    appName: typeof data.appName === 'string' ? data.appName : undefined,
    writeConcernError:
      data.writeConcernError && typeof data.writeConcernError === 'object'
        ? (data.writeConcernError as Document)
        : undefined,
  };
}

function configureFailPoint(ctx: CommandContext): Document {
  if (ctx.db !== 'admin')
    throw new MongoCommandError(
      13,
      'Unauthorized',
      'configureFailPoint may only be run against the admin database.',
    );
  const name = ctx.command.configureFailPoint as FailPointName;
  if (!FAIL_POINTS.includes(name))
    throw commandError(ErrorCodes.BadValue, `fail point '${String(name)}' is not supported by the emulator`);
  const mode = parseMode(ctx.command.mode);
  const data = mode.kind === 'off' ? { failCommands: [] } : parseData(name, ctx.command.data);
  return { count: ctx.server.failPoints.configure(name, mode, data), ok: 1 };
}

export const failPointCommands: CommandTable = { configureFailPoint };

/** What the dispatcher does once a fail point fired. */
export type FailPointEffect =
  | { kind: 'close' }
  /** `labels` set = the fail point's errorLabels, replacing the ones the server would attach (either kind). */
  | { kind: 'error'; error: MongoCommandError; labels?: string[] }
  | { kind: 'proceed'; writeConcernError?: Document; labels?: string[] };

/** Blocks (when asked), then tells the dispatcher to close the socket, fail, or run the command. */
export async function applyFailCommand(data: FailCommandData, signal: AbortSignal): Promise<FailPointEffect> {
  if (data.blockConnection && data.blockTimeMS) {
    await delay(data.blockTimeMS, undefined, { signal }).catch(() => undefined);
  }
  if (data.closeConnection) return { kind: 'close' };
  if (data.errorCode !== undefined) {
    const error = new MongoCommandError(
      data.errorCode,
      codeNameOf(data.errorCode),
      "Failing command via 'failCommand' failpoint",
    );
    return { kind: 'error', error, labels: data.errorLabels };
  }
  return { kind: 'proceed', writeConcernError: data.writeConcernError, labels: data.errorLabels };
}

const CODE_NAMES: Record<number, string> = {
  ...Object.fromEntries(Object.values(ErrorCodes).map(({ code, codeName }) => [code, codeName])),
  1: 'InternalError',
  6: 'HostUnreachable',
  7: 'HostNotFound',
  89: 'NetworkTimeout',
  91: 'ShutdownInProgress',
  189: 'PrimarySteppedDown',
  262: 'ExceededTimeLimit',
  9001: 'SocketException',
  10107: 'NotWritablePrimary',
  11600: 'InterruptedAtShutdown',
  11602: 'InterruptedDueToReplStateChange',
  13435: 'NotPrimaryNoSecondaryOk',
  13436: 'NotPrimaryOrSecondary',
  234: 'RetryChangeStream',
  133: 'FailedToSatisfyReadPreference',
};

export function codeNameOf(code: number): string {
  return CODE_NAMES[code] ?? `Location${code}`;
}

/**
 * failGetMoreAfterCursorCheckout: fails a getMore whose cursor exists, so (unlike failCommand) the error
 * gets the labels of the cursor's kind, ResumableChangeStreamError for a change stream (SERVER-46091).
 */
export function failGetMoreAfterCheckout(ctx: CommandContext): void {
  const data = ctx.server.failPoints.match(
    'failGetMoreAfterCursorCheckout',
    'getMore',
    ctx.connection.appName,
  );
  if (data?.errorCode === undefined) return;
  const error = new MongoCommandError(
    data.errorCode,
    codeNameOf(data.errorCode),
    "Failing command via 'failGetMoreAfterCursorCheckout' failpoint",
  );
  if (data.errorLabels !== undefined) Object.assign(error, { labelsOverride: data.errorLabels });
  throw error;
}
