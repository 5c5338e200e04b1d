/**
 * A bare TCP client speaking just enough wire protocol to test what the driver never sends: legacy
 * OP_QUERY, checksums, exhaust flags, and garbage.
 */
import net from 'node:net';
import { BSON } from 'bson';
import type { Document } from 'bson';

export interface RawReply {
  requestId: number;
  responseTo: number;
  opCode: number;
  flags: number;
  doc: Document;
}

let requestIds = 1000;

export function opMsg(command: Document, flags = 0, requestId = requestIds++): Buffer {
  const body = Buffer.from(BSON.serialize(command));
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12);
  header.writeUInt32LE(flags, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header, body]);
}

export function opQuery(namespace: string, query: Document, requestId = requestIds++): Buffer {
  const ns = Buffer.from(`${namespace}\0`, 'utf8');
  const body = Buffer.from(BSON.serialize(query));
  const fixed = Buffer.alloc(20);
  const length = 16 + 4 + ns.length + 8 + body.length;
  fixed.writeInt32LE(length, 0);
  fixed.writeInt32LE(requestId, 4);
  fixed.writeInt32LE(0, 8);
  fixed.writeInt32LE(2004, 12);
  fixed.writeInt32LE(0, 16);
  const skipReturn = Buffer.alloc(8);
  skipReturn.writeInt32LE(-1, 4);
  return Buffer.concat([fixed, ns, skipReturn, body]);
}

export class RawClient {
  private buffered = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', chunk => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake();
    });
    this.closed = new Promise(resolve => socket.on('close', () => resolve()));
    socket.on('close', () => this.wake());
    socket.on('error', () => undefined);
  }

  static connect(host: string, port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next whole message, or a rejection when the server closes first or nothing comes in time. */
  async read(timeoutMs = 2000): Promise<RawReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffered.length >= 4) {
        const length = this.buffered.readInt32LE(0);
        if (this.buffered.length >= length) {
          const frame = this.buffered.subarray(0, length);
          this.buffered = this.buffered.subarray(length);
          return parse(frame);
        }
      }
      if (this.socket.destroyed) throw new Error('connection closed');
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('timed out waiting for a reply');
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

function parse(frame: Buffer): RawReply {
  const opCode = frame.readInt32LE(12);
  const base = { requestId: frame.readInt32LE(4), responseTo: frame.readInt32LE(8), opCode };
  if (opCode === 1) {
    return { ...base, flags: frame.readInt32LE(16), doc: BSON.deserialize(frame.subarray(36)) };
  }
  return { ...base, flags: frame.readUInt32LE(16), doc: BSON.deserialize(frame.subarray(21)) };
}

/** host and port of a `mongodb://host:port/...` URI. */
export function hostPort(uri: string): { host: string; port: number } {
  const url = new URL(uri);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 27017) };
}
