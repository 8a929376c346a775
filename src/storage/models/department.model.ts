// Departments of the organisation directory. `_id` is the department id.
import { Schema, type Connection, type Model } from 'mongoose';
import { PLATFORMS, type ConversationRef } from '../../core/platform.js';

export interface DepartmentDoc {
  _id: string;
  /** Order in the file, so lists come back as written. */
  position: number;
  name: string;
  nameZh?: string;
  leadId?: string;
  managerId?: string;
  onDuty: string[];
  homeConversations: ConversationRef[];
  calendar: string;
}

const conversationSchema = new Schema<ConversationRef>(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    conversationId: { type: String, required: true },
    threadId: String,
    messageId: String,
    extras: Schema.Types.Mixed,
  },
  { _id: false },
);

const departmentSchema = new Schema<DepartmentDoc>(
  {
    _id: { type: String, required: true },
    position: { type: Number, required: true },
    name: { type: String, required: true },
    nameZh: String,
    leadId: String,
    managerId: String,
    onDuty: { type: [String], default: [] },
    homeConversations: { type: [conversationSchema], default: [] },
    calendar: { type: String, required: true },
  },
  { collection: 'org_departments', versionKey: false },
);

export function departmentModel(conn: Connection): Model<DepartmentDoc> {
  return (conn.models.OrgDepartment as Model<DepartmentDoc> | undefined) ?? conn.model<DepartmentDoc>('OrgDepartment', departmentSchema);
}
