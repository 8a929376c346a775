// People of the organisation directory. `_id` is the person id; identities
// carry where they came from, so re-applying ORG_FILE keeps admin links.
import { Schema, type Connection, type Model } from 'mongoose';
import { ROLES, type Role } from '../../org/org.types.js';
import { LOCALES, PLATFORMS, type Locale, type Platform } from '../../core/platform.js';

export interface StoredIdentity {
  platform: Platform;
  userId: string;
  email?: string;
  /** `org`: from ORG_FILE or the demo; `link`: added by an admin at runtime. */
  source: 'org' | 'link';
  linkedAt?: Date;
}

export interface PersonDoc {
  _id: string;
  /** Order in the file, so lists come back as written. */
  position: number;
  name: string;
  locale: Locale;
  roles: Role[];
  departmentId?: string;
  supervisorId?: string;
  email?: string;
  preferredPlatform?: Platform;
  identities: StoredIdentity[];
  /** `platform:userId` of every identity, kept in step with `identities`; carries the unique index. */
  identityKeys: string[];
}

/** The unique key of one identity (`slack:U024BE7LH`); platform names hold no colon. */
export function identityKey(identity: { platform: Platform; userId: string }): string {
  return `${identity.platform}:${identity.userId}`;
}

const identitySchema = new Schema<StoredIdentity>(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    userId: { type: String, required: true },
    email: String,
    source: { type: String, enum: ['org', 'link'], required: true },
    linkedAt: Date,
  },
  { _id: false },
);

const personSchema = new Schema<PersonDoc>(
  {
    _id: { type: String, required: true },
    position: { type: Number, required: true },
    name: { type: String, required: true },
    locale: { type: String, enum: LOCALES, required: true },
    roles: { type: [String], enum: ROLES, default: [] },
    departmentId: String,
    supervisorId: String,
    email: String,
    preferredPlatform: { type: String, enum: PLATFORMS },
    identities: { type: [identitySchema], default: [] },
    identityKeys: { type: [String], default: [] },
  },
  { collection: 'org_people', versionKey: false },
);

// One platform user is one person, enforced by the database even under races.
// A single-field multikey index on `platform:userId` strings, not a compound
// index on identities.platform + identities.userId: the embedded server builds
// compound multikey keys as a cross product (MongoDB pairs them per element),
// which would refuse legitimate links. The partial filter skips people without identities.
personSchema.index(
  { identityKeys: 1 },
  { name: 'identity_unique', unique: true, partialFilterExpression: { identityKeys: { $type: 'string' } } },
);
personSchema.index({ departmentId: 1 });

export function personModel(conn: Connection): Model<PersonDoc> {
  return (conn.models.OrgPerson as Model<PersonDoc> | undefined) ?? conn.model<PersonDoc>('OrgPerson', personSchema);
}
