import { ObjectId } from 'mongodb';
import { assignedIds, responsibleOf } from '../../../src/sync/rebuild-orders';
import { parseUserDocument, type UserDocument } from '../../../src/sync/user-document';

const user = (name: string): UserDocument =>
  parseUserDocument({ _id: new ObjectId(), name, email: `${name}@x` });

describe('responsibleOf (the rebuild rule)', () => {
  const [ann, bob, cy] = [user('ann'), user('bob'), user('cy')];
  const users = new Map([ann, bob, cy].map(u => [u._id.toHexString(), u]));

  it('lists UserMeta of each existing assigned user in assigned_user_ids order', () => {
    const order = { assigned_user_ids: [cy._id, ann._id, bob._id] };
    expect(responsibleOf(order, users).map(meta => meta.name)).toEqual(['cy', 'ann', 'bob']);
  });

  it('drops users that no longer exist, and assigned ids listed twice appear once', () => {
    const gone = new ObjectId();
    const order = { assigned_user_ids: [ann._id, gone, ann._id, bob._id] };
    expect(responsibleOf(order, users).map(meta => meta.name)).toEqual(['ann', 'bob']);
  });

  it('treats a missing or malformed assigned_user_ids as no one', () => {
    expect(responsibleOf({}, users)).toEqual([]);
    expect(assignedIds({ assigned_user_ids: 'x' })).toEqual([]);
    expect(assignedIds({ assigned_user_ids: [ann._id.toHexString(), null, bob._id] })).toEqual([bob._id]);
  });
});
