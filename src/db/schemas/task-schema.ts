import { Schema, type Types } from 'mongoose';
import { userMetaSchema, type UserMetaFields } from './user-meta-schema';
import { PLATFORM_SCHEMA_OPTIONS } from './platform-schema-options';

/** A project task (SPEC §1); `order_metadata.responsible` mirrors its order's `metadata.responsible`. */
export interface TaskFields {
  _id: Types.ObjectId;
  order_id?: Types.ObjectId;
  order_metadata?: { responsible?: UserMetaFields[] };
}

export const taskSchema = new Schema<TaskFields>(
  {
    order_id: { type: Schema.Types.ObjectId },
    order_metadata: {
      responsible: { type: [userMetaSchema], default: undefined },
    },
  },
  PLATFORM_SCHEMA_OPTIONS,
);
// task-cascade copies an order's responsible list to its tasks.
taskSchema.index({ order_id: 1 });
taskSchema.index({ 'order_metadata.responsible.id': 1 });
