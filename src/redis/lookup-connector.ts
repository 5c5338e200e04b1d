/**
 * ioredis's standalone connector, plus the one thing ioredis has no option for: the host name is looked up
 * by `lookup` (the service's subprocess lookup, see src/net/subprocess-lookup.ts). The rest is what
 * ioredis's own StandaloneConnector does: a Unix socket `path` or host and port, TLS options (with the
 * SNI ioredis leaves out, see tls-options.ts), and the socket handed over on the next tick. Given as `Connector`, so BullMQ's duplicates use it as well.
 */
import { createConnection, type LookupFunction, type NetConnectOpts, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import { AbstractConnector, type RedisOptions } from 'ioredis';
import { withServerName } from './tls-options';

interface StandaloneOptions {
  host?: string;
  port?: number;
  family?: number;
  path?: string;
  /** `true` for a bare `rediss://` URL. */
  tls?: ConnectionOptions | boolean;
  disconnectTimeout?: number;
}

/** The message ioredis rejects a connect with when it was disconnected meanwhile. */
const CONNECTION_CLOSED = 'Connection is closed.';

export function connectorWithLookup(lookup: LookupFunction): NonNullable<RedisOptions['Connector']> {
  return class LookupConnector extends AbstractConnector {
    private readonly options: StandaloneOptions;

    /** ioredis passes its whole resolved options (host, port, path, tls, ...). */
    constructor(options: unknown) {
      const standalone = options as StandaloneOptions;
      super(standalone.disconnectTimeout ?? 2000);
      this.options = standalone;
    }

    connect(): Promise<Socket> {
      const { options } = this;
      this.connecting = true;
      const target: NetConnectOpts =
        options.path !== undefined && options.path !== ''
          ? { path: options.path }
          : {
              host: options.host,
              port: options.port ?? 6379,
              ...(options.family == null ? {} : { family: options.family }),
              lookup,
            };
      return new Promise((resolve, reject) => {
        process.nextTick(() => {
          if (!this.connecting) {
            reject(new Error(CONNECTION_CLOSED));
            return;
          }
          let stream: Socket;
          try {
            stream = options.tls
              ? connectTls({ ...target, ...withServerName(options.tls, options.host) })
              : createConnection(target);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          this.stream = stream;
          stream.once('error', (error: Error) => {
            this.firstError = error;
          });
          resolve(stream);
        });
      });
    }
  };
}
