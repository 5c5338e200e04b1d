import { ObjectId } from 'mongodb';
import { identityFields, identityUpdate } from '../../../src/identity/identity-fields';
import { checkClerkUser } from '../../../src/identity/clerk-event';
import { clerkUser } from '../../support/clerk-webhooks';

const user = (overrides: Record<string, unknown> = {}) =>
  checkClerkUser(
    {
      ...clerkUser({
        id: 'user_1',
        email: 'ann@example.com',
        first_name: 'Ann',
        last_name: 'Lee',
        updated_at: 10,
      }),
      ...overrides,
    },
    'data',
  );

const address = (id: string, email: string, status: string | null) => ({
  id,
  email_address: email,
  verification: status === null ? null : { status },
});

describe('identityFields (SPEC §7)', () => {
  it('takes the primary email, else the first verified one, else the first', () => {
    const addresses = [
      address('a', 'a@x.io', 'unverified'),
      address('b', 'b@x.io', 'verified'),
      address('c', 'c@x.io', null),
    ];
    expect(identityFields(user({ email_addresses: addresses, primary_email_address_id: 'c' })).email).toBe(
      'c@x.io',
    );
    expect(identityFields(user({ email_addresses: addresses, primary_email_address_id: null })).email).toBe(
      'b@x.io',
    );
    expect(
      identityFields(
        user({ email_addresses: [addresses[0], addresses[2]], primary_email_address_id: 'gone' }),
      ).email,
    ).toBe('a@x.io');
  });

  it('joins first and last name, takes the primary phone and the image, and the account and owner flag where given', () => {
    const account = new ObjectId();
    const fields = identityFields(
      user({
        first_name: 'Ann',
        last_name: null,
        phone_numbers: [
          { id: 'p1', phone_number: '+1 555 0100' },
          { id: 'p2', phone_number: '+1 555 0199' },
        ],
        primary_phone_number_id: 'p2',
        image_url: 'https://img/ann.png',
        public_metadata: { account_id: account.toHexString(), is_owner: true },
      }),
    );
    expect(fields).toEqual({
      clerk_id: 'user_1',
      email: 'ann@example.com',
      name: 'Ann',
      phone: '+1 555 0199',
      image: 'https://img/ann.png',
      clerk_updated_at: 10,
      account,
      is_owner: true,
    });
    expect(identityFields(user())).not.toHaveProperty('account');
    expect(identityFields(user())).not.toHaveProperty('is_owner');
  });
});

describe('identityUpdate', () => {
  const stored = {
    _id: new ObjectId(),
    clerk_id: 'user_1',
    email: 'ann@example.com',
    name: 'Ann Lee',
    phone: '+1',
    image: 'i',
    clerk_updated_at: 10,
    last_login: 5,
  };

  it('sets only what differs and unsets a phone and image Clerk no longer has', () => {
    expect(identityUpdate(stored, { ...identityFields(user()), phone: '+1', image: 'i' })).toBeUndefined();
    expect(identityUpdate(stored, identityFields(user({ first_name: 'Anna', updated_at: 11 })))).toEqual({
      $set: { name: 'Anna Lee', clerk_updated_at: 11 },
      $unset: { phone: '', image: '' },
    });
  });

  it('keeps a stored name when Clerk has none', () => {
    const update = identityUpdate(stored, {
      ...identityFields(user({ first_name: null, last_name: null })),
      phone: '+1',
      image: 'i',
    });
    expect(update).toBeUndefined();
  });
});
