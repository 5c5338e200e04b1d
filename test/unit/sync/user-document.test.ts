import { ObjectId } from 'mongodb';
import { UnrecoverableError } from 'bullmq';
import { type InvalidUserError, parseUserDocument } from '../../../src/sync/user-document';

const valid = () => ({
  _id: new ObjectId(),
  account: new ObjectId(),
  is_owner: true,
  name: 'Ada',
  email: 'ada@example.com',
});

function failureOf(raw: unknown): InvalidUserError {
  try {
    parseUserDocument(raw);
  } catch (error) {
    return error as InvalidUserError;
  }
  throw new Error('expected the user to be rejected');
}

describe('parseUserDocument', () => {
  it('accepts a user with optional phone and image missing, null or strings', () => {
    expect(parseUserDocument(valid()).name).toBe('Ada');
    expect(parseUserDocument({ ...valid(), phone: null, image: null }).phone).toBeNull();
    expect(parseUserDocument({ ...valid(), phone: '+1 555', image: 'https://img' }).image).toBe(
      'https://img',
    );
  });

  it('keeps fields it does not know, so nothing a platform stores is lost', () => {
    expect(parseUserDocument({ ...valid(), last_login: new Date(0) })).toHaveProperty('last_login');
  });

  it('accepts a structured name, because sub-paths such as name.first are watched', () => {
    expect(parseUserDocument({ ...valid(), name: { first: 'Ada', last: 'Lovelace' } }).name).toEqual({
      first: 'Ada',
      last: 'Lovelace',
    });
  });

  it.each([
    ['name', { name: 42 }],
    ['email', { email: ['a@b'] }],
    ['account', { account: 'not-an-object-id' }],
    ['phone', { phone: 5551234 }],
    ['image', { image: { url: 'x' } }],
    ['is_owner', { is_owner: 'yes' }],
  ])('rejects a bad %s unrecoverably, naming the field', (field, override) => {
    const error = failureOf({ ...valid(), ...override });
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(error.fields).toEqual([field]);
    expect(error.message).toContain(field);
  });

  it('says a missing required field is required', () => {
    const { email: _email, ...withoutEmail } = valid();
    expect(failureOf(withoutEmail).message).toMatch(/email is required/);
  });

  it('never puts the offending value in the message (it may be an email or a phone number)', () => {
    const error = failureOf({ ...valid(), email: 12345678, phone: 987654321 });
    expect(error.message).not.toContain('12345678');
    expect(error.message).not.toContain('987654321');
    expect(error.fields).toEqual(['email', 'phone']);
  });
});
