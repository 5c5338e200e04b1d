import { Schema, type Types } from 'mongoose';
import { userMetaSchema, type UserMetaFields } from './user-meta-schema';
import { PLATFORM_SCHEMA_OPTIONS } from './platform-schema-options';

/** A store order (SPEC §1): who manages and works on it, and the user copies derived from them. */
export interface OrderFields {
  _id: Types.ObjectId;
  manager?: Types.ObjectId | null;
  specialist?: Types.ObjectId | null;
  assigned_user_ids?: Types.ObjectId[];
  metadata?: {
    dashclicks_team?: { manager?: UserMetaFields | null; specialist?: UserMetaFields | null };
    responsible?: UserMetaFields[];
  };
}

export const orderSchema = new Schema<OrderFields>(
  {
    manager: { type: Schema.Types.ObjectId },
    specialist: { type: Schema.Types.ObjectId },
    // `default: undefined`: mongoose would otherwise invent an empty array on orders that have none.
    assigned_user_ids: { type: [Schema.Types.ObjectId], default: undefined },
    metadata: {
      dashclicks_team: {
        manager: { type: userMetaSchema },
        specialist: { type: userMetaSchema },
      },
      responsible: { type: [userMetaSchema], default: undefined },
    },
  },
  PLATFORM_SCHEMA_OPTIONS,
);
// manager-sync, specialist-sync and responsible-rebuild find a user's orders by these.
orderSchema.index({ manager: 1 });
orderSchema.index({ specialist: 1 });
orderSchema.index({ assigned_user_ids: 1 });
orderSchema.index({ 'metadata.responsible.id': 1 });
