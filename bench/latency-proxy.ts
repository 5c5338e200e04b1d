/**
 * A TCP proxy that holds every chunk for half a round trip in each direction, to measure the service as if
 * MongoDB and Redis sat across a network (0.5–1 ms in a zone, 2–5 ms to a managed service elsewhere) on a
 * machine where they are on loopback. Chunks are queued per connection and direction and released by a
 * timer, never a blocking sleep: other connections keep flowing, and bytes never overtake each other.
 * A tap sees each chunk as it arrives (before the delay), so a wire parser can count what crosses.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export type Direction = 'request' | 'reply';

/** Told of each chunk as it arrives; `connection` is a number unique within the proxy. */
export type WireTap = (direction: Direction, connection: number, chunk: Buffer) => void;

export interface LatencyProxyOptions {
  target: { host: string; port: number };
  /** Round trip added, ms; each direction gets half. 0 forwards at once (the tap still sees everything). */
  rttMs: number;
  tap?: WireTap;
  /** Told when a connection closes, so a tap can drop its per-connection state. */
  onClose?: (connection: number) => void;
}

export interface LatencyProxy {
  host: string;
  port: number;
  /** Bytes and chunks seen, per direction, since the start: proof that traffic goes through. */
  readonly bytes: Record<Direction, number>;
  readonly chunks: Record<Direction, number>;
  connections(): number;
  setRtt(rttMs: number): void;
  close(): Promise<void>;
}

export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  let halfMs = options.rttMs / 2;
  const bytes: Record<Direction, number> = { request: 0, reply: 0 };
  const chunks: Record<Direction, number> = { request: 0, reply: 0 };
  const open = new Set<Socket>();
  let nextId = 0;

  const server: Server = createServer(client => {
    const id = (nextId += 1);
    const upstream = connect(options.target.port, options.target.host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    open.add(client).add(upstream);
    const toServer = delayedPipe(upstream, () => halfMs);
    const toClient = delayedPipe(client, () => halfMs);
    client.on('data', chunk => {
      bytes.request += chunk.length;
      chunks.request += 1;
      options.tap?.('request', id, chunk);
      toServer.push(chunk);
    });
    upstream.on('data', chunk => {
      bytes.reply += chunk.length;
      chunks.reply += 1;
      options.tap?.('reply', id, chunk);
      toClient.push(chunk);
    });
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      // What is still queued is lost, as on a connection the network drops: neither side awaits it.
      toServer.cancel();
      toClient.cancel();
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
      options.onClose?.(id);
    };
    // A half-close is passed on only after the data queued before it.
    client.on('end', () => toServer.end());
    upstream.on('end', () => toClient.end());
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  return {
    host: '127.0.0.1',
    port: address.port,
    bytes,
    chunks,
    connections: () => open.size / 2,
    setRtt: rttMs => (halfMs = rttMs / 2),
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

/**
 * Node's timers count whole milliseconds, so a 0.5 ms wait is really 1 ms: a chunk due within this much is
 * sent now, which keeps the mean delay near the one asked for instead of up to a millisecond over it.
 */
const TIMER_SLACK_MS = 0.5;

interface DelayedPipe {
  push(chunk: Buffer): void;
  end(): void;
  cancel(): void;
}

/**
 * Writes each chunk to `socket` `delayMs()` after it was pushed, in order. One timer per pipe, armed for the
 * oldest chunk; chunks due together leave in one write each, as they came.
 */
function delayedPipe(socket: Socket, delayMs: () => number): DelayedPipe {
  const queue: { at: number; chunk: Buffer | 'end' }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0].at <= now + TIMER_SLACK_MS) {
      const { chunk } = queue.shift() as (typeof queue)[number];
      if (socket.destroyed) continue;
      if (chunk === 'end') socket.end();
      else socket.write(chunk);
    }
    // setTimeout may fire up to a ms early on its own clock: re-arm rather than write ahead of time.
    if (queue.length > 0) timer = setTimeout(flush, Math.max(0, queue[0].at - performance.now()));
  };
  const enqueue = (chunk: Buffer | 'end') => {
    const delay = delayMs();
    if (delay <= 0 && queue.length === 0) {
      if (socket.destroyed) return;
      if (chunk === 'end') socket.end();
      else socket.write(chunk);
      return;
    }
    queue.push({ at: performance.now() + delay, chunk });
    timer ??= setTimeout(flush, delay);
  };
  return {
    push: chunk => enqueue(chunk),
    end: () => enqueue('end'),
    cancel: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      queue.length = 0;
    },
  };
}
