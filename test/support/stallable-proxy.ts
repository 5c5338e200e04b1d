/**
 * A TCP proxy whose new connections can be made to hang: connections already open keep working, a new one
 * is accepted and then never answered. This is what a client sees when its DNS lookups stall, as they do
 * in a container while the engine reconfigures the network for a neighbour that starts or stops.
 * `stallEverything()` also stops passing data on the connections already open: a server that hung
 * (SIGSTOP, a frozen VM) with its sockets still open.
 */
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { trackResource } from './leak-guard';

export interface StallableProxy {
  port: number;
  /** From now on, new connections hang; open ones are untouched. */
  stallNewConnections(): void;
  /** New connections hang, and open ones stop passing data both ways (nothing is closed). */
  stallEverything(): void;
  close(): Promise<void>;
}

export async function startStallableProxy(target: { host: string; port: number }): Promise<StallableProxy> {
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  let stalled = false;
  const server = createServer(client => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (stalled) return;
    const upstream = createConnection(target);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('close', () => pairs.delete(pair));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  let open = true;
  trackResource(server, 'proxy', `stallable proxy to ${target.host}:${target.port}`, () => open);
  return {
    port: (server.address() as AddressInfo).port,
    stallNewConnections: () => {
      stalled = true;
    },
    stallEverything: () => {
      stalled = true;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          open = false;
          resolve();
        });
      }),
  };
}
