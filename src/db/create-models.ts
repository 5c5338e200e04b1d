/**
 * The five collections of SPEC §1 as mongoose models on one connection, named by config so a deployment
 * whose platform calls them differently only changes env. Models are for typed reads, tests and tooling;
 * sync jobs write through the native collections (`syncCollections`) for bulkWrite and arrayFilters.
 */
import type { Connection, Model } from 'mongoose';
import type { CollectionNames } from '../config/config-types';
import { accountSchema, type AccountFields } from './schemas/account-schema';
import { contactSchema, type ContactFields } from './schemas/contact-schema';
import { orderSchema, type OrderFields } from './schemas/order-schema';
import { taskSchema, type TaskFields } from './schemas/task-schema';
import { userSchema, type UserFields } from './schemas/user-schema';

export interface SyncModels {
  users: Model<UserFields>;
  accounts: Model<AccountFields>;
  contacts: Model<ContactFields>;
  orders: Model<OrderFields>;
  tasks: Model<TaskFields>;
}

export function createModels(connection: Connection, collections: CollectionNames): SyncModels {
  // overwriteModels: calling this twice on one connection (tests, a re-created role) must not throw.
  const options = { overwriteModels: true };
  return {
    users: connection.model<UserFields>('User', userSchema, collections.users, options),
    accounts: connection.model<AccountFields>('Account', accountSchema, collections.accounts, options),
    contacts: connection.model<ContactFields>('Contact', contactSchema, collections.contacts, options),
    orders: connection.model<OrderFields>('Order', orderSchema, collections.orders, options),
    tasks: connection.model<TaskFields>('Task', taskSchema, collections.tasks, options),
  };
}
