/**
 * One client socket: frames in, replies out. Messages of one connection are handled strictly in order
 * (a driver never pipelines, and ordering is what makes w:0 followed by a read on the same socket see
 * the write); different connections interleave freely.
 */
import type { Socket } from 'node:net';
import type { Document } from 'bson';
import type { Logger } from 'pino';
import { decodeRequest, readHeader } from './decode-request';
import { FrameReader } from './frame-reader';
import { OpCode } from './op-codes';
import { encodeOpMsg } from './op-msg';
import { encodeOpReply } from './op-query';
import { WireError } from './wire-error';
import type { ConnectionInfo, RequestHandler, RequestOutcome, WireRequest } from './wire-request';

/** Request ids of server messages; only need to be unique enough for a client's logs. */
let nextRequestId = 1;
function newRequestId(): number {
  nextRequestId = nextRequestId >= 0x7fffffff ? 1 : nextRequestId + 1;
  return nextRequestId;
}

export interface ClientConnectionOptions {
  id: number;
  socket: Socket;
  handler: RequestHandler;
  logger: Logger;
  /**
   * The error reply for a well-framed message whose body could not be decoded (a WireError), or for a
   * reply that could not be encoded.
   */
  errorReply: (error: Error) => Document;
  onClose: (connection: ClientConnection) => void;
}

export class ClientConnection implements ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  appName?: string;
  private readonly abort = new AbortController();
  private readonly reader = new FrameReader();
  /** Frames received and not yet answered, in order. */
  private readonly backlog: Buffer[] = [];
  /** True while a frame's answer is awaited: the frames behind it wait in the backlog. */
  private waiting = false;

  constructor(private readonly options: ClientConnectionOptions) {
    this.id = options.id;
    const { socket } = options;
    this.remoteAddress = `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Errors (ECONNRESET, writes after the peer left) only mean the client is gone.
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
  }

  get closed(): AbortSignal {
    return this.abort.signal;
  }

  destroy(): void {
    if (!this.abort.signal.aborted) {
      this.abort.abort();
      this.options.onClose(this);
    }
    if (!this.options.socket.destroyed) this.options.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      this.options.logger.debug({ err: error, connectionId: this.id }, 'closing connection: bad framing');
      this.destroy();
      return;
    }
    this.backlog.push(...frames);
    if (!this.waiting) this.drain();
  }

  /**
   * Answers backlogged frames in order. A command the handler answers synchronously is replied to at once;
   * one that waits (getMore, blocked fail points) holds the frames behind it until it settles.
   */
  private drain(): void {
    while (this.backlog.length > 0) {
      const pending = this.process(this.backlog.shift() as Buffer);
      if (pending) {
        this.waiting = true;
        void pending.then(() => {
          this.waiting = false;
          this.drain();
        });
        return;
      }
    }
  }

  /** Never rejects: whatever goes wrong with one message ends at most this connection. */
  private process(frame: Buffer): Promise<void> | undefined {
    if (this.closed.aborted) return undefined;
    const header = readHeader(frame);
    const legacy = header.opCode === OpCode.Query;
    let request: WireRequest;
    try {
      request = decodeRequest(frame, header);
    } catch (error) {
      if (!(error instanceof WireError) || error.fatal) {
        this.destroy();
        return undefined;
      }
      this.reply(legacy, header.requestId, this.options.errorReply(error));
      return undefined;
    }
    let outcome: RequestOutcome | Promise<RequestOutcome>;
    try {
      outcome = this.options.handler(request, this);
    } catch (error) {
      this.failed(error);
      return undefined;
    }
    if (outcome instanceof Promise) {
      return outcome.then(
        settled => this.answer(request, legacy, settled),
        (error: unknown) => this.failed(error),
      );
    }
    this.answer(request, legacy, outcome);
    return undefined;
  }

  /** Never throws: it runs inside the socket's data event, where a throw would end the process. */
  private answer(request: WireRequest, legacy: boolean, outcome: RequestOutcome): void {
    try {
      this.deliver(request, legacy, outcome);
    } catch (error) {
      this.failed(error);
    }
  }

  private deliver(request: WireRequest, legacy: boolean, outcome: RequestOutcome): void {
    if (outcome.kind === 'close') {
      this.destroy();
      return;
    }
    if (request.moreToCome) return;
    if (outcome.next && request.exhaustAllowed && !legacy) {
      // Runs beside the backlog: a client in exhaust mode sends nothing more on this socket.
      void this.stream(request.requestId, outcome.reply, outcome.next);
      return;
    }
    this.reply(legacy, request.requestId, outcome.reply);
  }

  private failed(error: unknown): void {
    this.options.logger.error(
      { err: error, connectionId: this.id },
      'closing connection: unexpected failure',
    );
    this.destroy();
  }

  /** Sends `doc`, or an error reply when it cannot be encoded (too large, unserializable). */
  private reply(legacy: boolean, responseTo: number, doc: Document): void {
    const encode = (body: Document) =>
      legacy
        ? encodeOpReply(newRequestId(), responseTo, body)
        : encodeOpMsg(newRequestId(), responseTo, body);
    let message: Buffer;
    try {
      message = encode(doc);
    } catch (error) {
      message = encode(this.options.errorReply(error as Error));
    }
    this.send(message);
  }

  /** Exhaust: each reply answers the previous one (responseTo chains) and announces the next. */
  private async stream(
    responseTo: number,
    first: Document,
    next: (signal: AbortSignal) => Promise<Document>,
  ): Promise<void> {
    let reply = first;
    let previous = responseTo;
    try {
      while (!this.closed.aborted) {
        const requestId = newRequestId();
        this.send(encodeOpMsg(requestId, previous, reply, true));
        previous = requestId;
        reply = await next(this.closed);
      }
    } catch {
      // Aborted by close or stop the stream simply ends; any other failure drops the socket so the
      // client's monitor reconnects instead of waiting on a stream that went silent.
      this.destroy();
    }
  }

  private send(message: Buffer): void {
    const { socket } = this.options;
    if (this.closed.aborted || socket.destroyed) return;
    socket.write(message);
  }
}
