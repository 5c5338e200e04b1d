import { ObjectId } from 'mongodb';
import { toOwner, toUserMeta } from '../../../src/sync/user-meta';
import { parseUserDocument } from '../../../src/sync/user-document';

describe('derived copies', () => {
  const _id = new ObjectId();

  it('UserMeta normalises a missing phone to "" and a missing image to null, in SPEC field order', () => {
    const meta = toUserMeta(parseUserDocument({ _id, name: 'Bo', email: 'bo@example.com' }));
    expect(meta).toEqual({ id: _id, name: 'Bo', email: 'bo@example.com', phone: '', image: null });
    expect(Object.keys(meta)).toEqual(['id', 'name', 'email', 'phone', 'image']);
  });

  it('Owner carries the image as avatar and keeps a present phone', () => {
    const owner = toOwner(parseUserDocument({ _id, name: 'Bo', email: 'b@x', phone: '+44', image: 'i.png' }));
    expect(owner).toEqual({ id: _id, name: 'Bo', email: 'b@x', phone: '+44', avatar: 'i.png' });
    expect(Object.keys(owner)).toEqual(['id', 'name', 'email', 'phone', 'avatar']);
  });

  it('a null phone becomes "" (the seed used `|| ""`), an empty phone stays ""', () => {
    expect(toUserMeta(parseUserDocument({ _id, name: 'a', email: 'b', phone: null })).phone).toBe('');
    expect(toUserMeta(parseUserDocument({ _id, name: 'a', email: 'b', phone: '' })).phone).toBe('');
  });
});
