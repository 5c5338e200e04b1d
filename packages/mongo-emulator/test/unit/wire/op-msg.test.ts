import { BSON, Int32 } from 'bson';
import { crc32c } from '../../../src/wire/crc32c';
import { decodeRequest } from '../../../src/wire/decode-request';
import { decodeOpMsg, encodeOpMsg } from '../../../src/wire/op-msg';
import { WireError } from '../../../src/wire/wire-error';

function message(flags: number, sections: Buffer[], checksum = false): Buffer {
  const header = Buffer.alloc(20);
  const body = Buffer.concat(sections);
  header.writeInt32LE(20 + body.length + (checksum ? 4 : 0), 0);
  header.writeInt32LE(7, 4);
  header.writeInt32LE(2013, 12);
  header.writeUInt32LE(flags, 16);
  const whole = Buffer.concat([header, body]);
  if (!checksum) return whole;
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32c(whole));
  return Buffer.concat([whole, crc]);
}

const kind0 = (doc: object) => Buffer.concat([Buffer.from([0]), Buffer.from(BSON.serialize(doc))]);

function kind1(identifier: string, docs: object[]): Buffer {
  const id = Buffer.from(`${identifier}\0`);
  const body = Buffer.concat(docs.map(doc => Buffer.from(BSON.serialize(doc))));
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + id.length + body.length);
  return Buffer.concat([Buffer.from([1]), size, id, body]);
}

describe('OP_MSG decoding', () => {
  it('merges document sequences under their identifiers, keeping number types', () => {
    const frame = message(0, [kind1('documents', [{ a: 1 }, { a: 2.5 }]), kind0({ insert: 'c', $db: 'd' })]);
    const { command } = decodeOpMsg(frame);
    expect(command.insert).toBe('c');
    expect(command.documents).toHaveLength(2);
    expect(command.documents[0].a).toBeInstanceOf(Int32);
  });

  it('reads moreToCome and exhaustAllowed, verifies a checksum', () => {
    const request = decodeRequest(message(1 | 2 | (1 << 16), [kind0({ ping: 1, $db: 'admin' })], true));
    expect(request).toMatchObject({ db: 'admin', moreToCome: true, exhaustAllowed: true });
    const corrupt = message(1, [kind0({ ping: 1, $db: 'admin' })], true);
    corrupt[corrupt.length - 1] ^= 0xff;
    expect(() => decodeOpMsg(corrupt)).toThrow(expect.objectContaining({ fatal: true }));
  });

  it.each([
    ['no kind 0 section', message(0, [kind1('documents', [{ a: 1 }])])],
    ['two kind 0 sections', message(0, [kind0({ a: 1 }), kind0({ b: 1 })])],
    ['a sequence clashing with a field', message(0, [kind0({ documents: 1 }), kind1('documents', [{}])])],
    ['an unknown required flag', message(1 << 3, [kind0({ ping: 1 })])],
  ])('rejects %s without closing', (_case, frame) => {
    expect(() => decodeOpMsg(frame)).toThrow(expect.objectContaining({ fatal: false }));
    expect(() => decodeOpMsg(frame)).toThrow(WireError);
  });

  it('encodes a reply that decodes back, moreToCome set only when asked', () => {
    const plain = encodeOpMsg(5, 7, { ok: 1 });
    expect(plain.readInt32LE(0)).toBe(plain.length);
    expect(plain.readInt32LE(8)).toBe(7);
    expect(plain.readUInt32LE(16)).toBe(0);
    expect(BSON.deserialize(plain.subarray(21))).toEqual({ ok: 1 });
    expect(encodeOpMsg(6, 7, { ok: 1 }, true).readUInt32LE(16)).toBe(2);
  });
});
