/**
 * A small platform for `user-sync dev`: an agency account whose staff manage, specialise in and are
 * responsible for the orders of three client accounts, each client with an owner and a business contact.
 * Every derived copy starts correct (`verify` finds no drift), so whatever changes next is the sync's work.
 * Ids are fixed, and loading replaces by id: loading twice (a restart on a persistent MongoDB) adds nothing.
 */
import { ObjectId, type AnyBulkWriteOperation, type Document } from 'mongodb';
import type { SyncCollections } from '../sync/sync-job-context';
import { toOwner, toUserMeta } from '../sync/user-meta';
import type { ClerkPersona } from './simulate-clerk';

export interface SampleData {
  accounts: Document[];
  users: Document[];
  contacts: Document[];
  orders: Document[];
  tasks: Document[];
}

/** Recognisable fixed ids: the first hex digit says what the document is (a=account, b=user, ...). */
function sampleId(kind: 'a' | 'b' | 'c' | 'd' | 'e', n: number): ObjectId {
  return ObjectId.createFromHexString(`${kind}${n.toString(16).padStart(23, '0')}`);
}

const STAFF = [
  { name: 'Ada Lovelace', email: 'ada@agency.example', phone: '+1 555 0101' },
  { name: 'Grace Hopper', email: 'grace@agency.example', phone: '+1 555 0102' },
  { name: 'Alan Turing', email: 'alan@agency.example' },
  { name: 'Katherine Johnson', email: 'katherine@agency.example', phone: '+1 555 0104' },
] as const;

const CLIENTS = [
  { account: 'Acme Marketing', owner: 'Wile Coyote', email: 'wile@acme.example' },
  { account: 'Blue Harbor Dental', owner: 'Marina Shore', email: 'marina@blueharbor.example' },
  { account: 'Cedar & Co', owner: 'Cedric Wood', email: 'cedric@cedar.example' },
] as const;

const PRODUCTS = ['SEO', 'Google Ads', 'Social Posts'] as const;

export function sampleData(): SampleData {
  const agency = sampleId('a', 0);
  const staff = STAFF.map((person, index) => ({
    _id: sampleId('b', index + 1),
    account: agency,
    is_owner: false,
    ...person,
    image: index % 2 === 0 ? `https://avatars.example/staff-${index + 1}.png` : undefined,
    // Staff sign in through the identity provider: `dev --simulate-clerk` renames them there.
    clerk_id: clerkIdOf(person.name),
  }));
  const data: SampleData = {
    accounts: [{ _id: agency, name: 'Agency (fulfilment)' }],
    users: [...staff.map(withoutUndefined)],
    contacts: [],
    orders: [],
    tasks: [],
  };

  CLIENTS.forEach((client, c) => {
    const accountId = sampleId('a', c + 1);
    const owner = withoutUndefined({
      _id: sampleId('b', 100 + c),
      account: accountId,
      is_owner: true,
      name: client.owner,
      email: client.email,
      phone: `+1 555 02${c}0`,
    });
    data.users.push(owner);
    data.accounts.push({ _id: accountId, name: client.account, owner: toOwner(asUser(owner)) });
    data.contacts.push(
      { _id: sampleId('c', c * 2 + 1), account: accountId, type: 'business', email: client.email },
      {
        _id: sampleId('c', c * 2 + 2),
        account: accountId,
        type: 'person',
        email: `frontdesk+${c}@example.com`,
      },
    );

    PRODUCTS.forEach((product, p) => {
      const n = c * PRODUCTS.length + p;
      const manager = staff[n % staff.length];
      const specialist = staff[(n + 1) % staff.length];
      const assigned = [manager, staff[(n + 2) % staff.length]].map(withoutUndefined);
      const responsible = assigned.map(user => toUserMeta(asUser(user)));
      const orderId = sampleId('d', n + 1);
      data.orders.push({
        _id: orderId,
        account: accountId,
        product,
        status: 'active',
        manager: manager._id,
        specialist: specialist._id,
        assigned_user_ids: assigned.map(user => user._id),
        metadata: {
          dashclicks_team: {
            manager: toUserMeta(asUser(withoutUndefined(manager))),
            specialist: toUserMeta(asUser(withoutUndefined(specialist))),
          },
          responsible,
        },
      });
      ['Kick-off call', 'Monthly report'].forEach((title, t) => {
        data.tasks.push({
          _id: sampleId('e', n * 2 + t + 1),
          order_id: orderId,
          title: `${product}: ${title}`,
          order_metadata: { responsible },
        });
      });
    });
  });
  return data;
}

/** Writes the sample documents, replacing any with the same id. Returns how many of each were written. */
export async function loadSampleData(
  collections: SyncCollections,
): Promise<Record<keyof SampleData, number>> {
  const data = sampleData();
  const counts = {} as Record<keyof SampleData, number>;
  for (const name of Object.keys(data) as (keyof SampleData)[]) {
    const operations: AnyBulkWriteOperation<Document>[] = data[name].map(document => ({
      replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
    }));
    await collections[name].bulkWrite(operations, { ordered: true });
    counts[name] = data[name].length;
  }
  return counts;
}

/** The sample users who work on orders. */
export function sampleStaffIds(): ObjectId[] {
  return STAFF.map((_person, index) => sampleId('b', index + 1));
}

/** The clients' account owners. */
export function sampleOwnerIds(): ObjectId[] {
  return CLIENTS.map((_client, c) => sampleId('b', 100 + c));
}

/**
 * What `--simulate` changes, in turn: staff and owners alternating, so the first few changes already
 * reach every queue (a staff change the team queues and task-cascade, an owner's change owner-sync).
 */
export function sampleSimulatedUserIds(): ObjectId[] {
  const staff = sampleStaffIds();
  const owners = sampleOwnerIds();
  return staff.flatMap((id, index) => (index < owners.length ? [id, owners[index]] : [id]));
}

function clerkIdOf(name: string): string {
  return `user_sample_${name.split(' ')[0].toLowerCase()}`;
}

/** The staff as Clerk knows them, for `dev --simulate-clerk`. */
export function sampleClerkPersonas(): ClerkPersona[] {
  return STAFF.map((person, index) => {
    const [firstName, ...rest] = person.name.split(' ');
    return {
      clerkId: clerkIdOf(person.name),
      firstName,
      lastName: rest.join(' '),
      email: person.email,
      ...('phone' in person ? { phone: person.phone } : {}),
      ...(index % 2 === 0 ? { image: `https://avatars.example/staff-${index + 1}.png` } : {}),
    };
  });
}

/** MongoDB stores no `undefined`; dropping the keys keeps the sample documents what the copies assume. */
function withoutUndefined<T extends Document>(document: T): T {
  return Object.fromEntries(Object.entries(document).filter(([, value]) => value !== undefined)) as T;
}

function asUser(document: Document): Parameters<typeof toUserMeta>[0] {
  return document as Parameters<typeof toUserMeta>[0];
}
