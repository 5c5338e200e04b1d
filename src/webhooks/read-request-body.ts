/**
 * Reads a request body up to a limit. The signature covers the exact bytes, so the body is kept raw;
 * anything past the limit is refused before it is buffered, from Content-Length where it is given.
 */
import type { IncomingMessage } from 'node:http';

export class BodyTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`the body is larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLarge';
  }
}

export async function readRequestBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw new BodyTooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new BodyTooLarge(limitBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
