// One document (`_id: 'org'`) holding the organisation's version and groups.
// The version rises on every change so other instances know to reload.
import { Schema, type Connection, type Model } from 'mongoose';

export const ORG_META_ID = 'org';

export interface OrgMetaDoc {
  _id: string;
  version: number;
  reviewers: string[];
  emergency: string[];
  updatedAt?: Date;
}

const orgMetaSchema = new Schema<OrgMetaDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true, default: 0 },
    reviewers: { type: [String], default: [] },
    emergency: { type: [String], default: [] },
    updatedAt: Date,
  },
  { collection: 'org_meta', versionKey: false },
);

export function orgMetaModel(conn: Connection): Model<OrgMetaDoc> {
  return (conn.models.OrgMeta as Model<OrgMetaDoc> | undefined) ?? conn.model<OrgMetaDoc>('OrgMeta', orgMetaSchema);
}
