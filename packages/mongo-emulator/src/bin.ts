#!/usr/bin/env node
/**
 * `mongo-emulator [--port N] [--host H] [--advertise-host A] [--oplog-events N] [--verbose]`: the emulator as
 * its own process.
 * Prints its URI on stdout (for scripts to capture), logs on stderr, stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startMongoEmulator } from './index';

const USAGE =
  'usage: mongo-emulator [--port N] [--host H] [--advertise-host A] [--oplog-events N] [--verbose]\n' +
  '  --port N            TCP port; 0 picks a free one (default 27017)\n' +
  '  --host H            interface to listen on; 0.0.0.0 serves other machines (default 127.0.0.1)\n' +
  '  --advertise-host A  the name clients reach it by, reported in hello and the URI (default: H)\n' +
  '  --oplog-events N    change events kept for resuming change streams (default 100000)\n' +
  '  --verbose           log every command\n';

function integerOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new Error(`--${name} must be an integer from ${min} to ${max}, got '${value}'`);
  }
  return parsed;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'advertise-host': { type: 'string' },
        'oplog-events': { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let port: number | undefined;
  let oplogEvents: number | undefined;
  try {
    port = integerOption('port', values.port, 0, 65535);
    oplogEvents = integerOption('oplog-events', values['oplog-events'], 1, Number.MAX_SAFE_INTEGER);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const emulator = await startMongoEmulator({
    port: port ?? 27017,
    host: values.host,
    advertisedHost: values['advertise-host'],
    oplogEvents,
    verbose: values.verbose ?? false,
  });
  process.stdout.write(`${emulator.uri}\n`);
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {});
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  (error: Error) => {
    process.stderr.write(`mongo-emulator: ${error.message}\n`);
    process.exit(1);
  },
);
