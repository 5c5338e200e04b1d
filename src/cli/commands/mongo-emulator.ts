/**
 * Runs the embedded MongoDB-compatible server standalone, for local development against the real default
 * MONGO_URL. The emulator is loaded only inside `run`: production commands never load it, and the production
 * image does not contain it (it is a development dependency).
 */
import { isNamed } from '../../errors/error-shape';
import { ExitCodes } from '../cli-context';
import { defineCommand } from '../command-definition';
import { parsePort, parsePositiveInt } from '../option-parsers';

export interface MongoEmulatorCommandOptions {
  port: number;
  host: string;
  advertiseHost?: string;
  oplogEvents?: number;
  verbose?: boolean;
  database: string;
}

export const mongoEmulatorCommand = defineCommand<MongoEmulatorCommandOptions>({
  name: 'mongo-emulator',
  configure: command =>
    command
      .description('run the embedded MongoDB-compatible server standalone (replica set rs0); prints its URI')
      .option('--port <n>', 'TCP port; 0 picks a free one', parsePort, 27017)
      .option(
        '--host <host>',
        'interface to listen on; 0.0.0.0 serves other machines and containers',
        '127.0.0.1',
      )
      .option(
        '--advertise-host <name>',
        'the name clients reach it by, reported in hello and the URI (default: --host)',
      )
      .option('--oplog-events <n>', 'change events kept for resuming change streams', parsePositiveInt)
      .option('--verbose', 'log every command')
      .option('--database <name>', 'the database named in the printed URI', 'user-sync'),
  run: async (options, context) => {
    // Loaded here, not at the top: `--help` and every other command start without them.
    const [
      { default: pino },
      { loadConfig },
      { loadMongoEmulator },
      { handleShutdownSignals },
      { Releasers },
      { createLogger },
    ] = await Promise.all([
      import('pino'),
      import('../../config/load-config'),
      import('../../dev/load-mongo-emulator'),
      import('../../lifecycle/handle-shutdown-signals'),
      import('../../lifecycle/releasers'),
      import('../../logging/create-logger'),
    ]);
    const config = loadConfig(context.env);
    // Logs go to stderr so stdout carries only the URI, for scripts to capture.
    const logger = createLogger({ ...config, destination: pino.destination({ dest: 2, sync: true }) }).child({
      role: 'mongo-emulator',
    });
    let emulatorModule;
    try {
      emulatorModule = await loadMongoEmulator();
    } catch (error) {
      if (!isNamed(error, 'MongoEmulatorMissingError')) throw error;
      context.stderr.write(`user-sync mongo-emulator: ${(error as Error).message}\n`);
      return ExitCodes.failure;
    }
    const { startMongoEmulator } = emulatorModule;
    const { withDatabase } = await import('../../config/mongo-url');
    const emulator = await startMongoEmulator({
      port: options.port,
      host: options.host,
      advertisedHost: options.advertiseHost,
      oplogEvents: options.oplogEvents,
      verbose: options.verbose ?? false,
      logger,
    });
    const releasers = new Releasers(logger);
    releasers.add('mongo-emulator', () => emulator.stop());
    // With a database in its path, the URI is a MONGO_URL the service takes as it is.
    const uri = withDatabase(emulator.uri, options.database);
    context.stdout.write(`${uri}\n`);
    logger.info({ uri }, 'mongo emulator ready; Ctrl-C stops it');
    // Resolves never: handleShutdownSignals exits the process once the emulator has stopped.
    handleShutdownSignals({ releasers, logger, timeoutMs: config.shutdownTimeoutMs });
    return new Promise<number>(() => {});
  },
});
