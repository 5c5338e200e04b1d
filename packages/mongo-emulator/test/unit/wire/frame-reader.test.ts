import { FrameReader } from '../../../src/wire/frame-reader';
import { WireError } from '../../../src/wire/wire-error';

function frame(length: number, fill = 1): Buffer {
  const bytes = Buffer.alloc(length, fill);
  bytes.writeInt32LE(length, 0);
  return bytes;
}

describe('FrameReader', () => {
  it('cuts messages split across and packed into chunks', () => {
    const reader = new FrameReader();
    const a = frame(20);
    const b = frame(30, 2);
    const stream = Buffer.concat([a, b]);
    expect(reader.push(stream.subarray(0, 2))).toEqual([]);
    expect(reader.push(stream.subarray(2, 25))).toEqual([a]);
    expect(reader.push(stream.subarray(25))).toEqual([b]);
    expect(reader.pending).toBe(0);
  });

  it.each([0, 15, -1, 48_000_001])('refuses length %d as fatal', length => {
    const header = Buffer.alloc(16);
    header.writeInt32LE(length, 0);
    expect(() => new FrameReader().push(header)).toThrow(WireError);
  });
});
