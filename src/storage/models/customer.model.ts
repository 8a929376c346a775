// Customers as stored: the id (`C-12`) is the document _id; `keys` hold the
// normalised name, aliases, phones, e-mails and name bigrams that lookups use.
// One active customer per normalised name (a merged one steps aside).
import { Schema, type Connection, type Model } from 'mongoose';
import type { Customer, OpenDraft } from '../../customers/customer.types.js';

export type CustomerDocument = Omit<Customer, 'id'> & { _id: string };
export type OpenDraftDocument = Omit<OpenDraft, 'id'> & { _id: string; claimed?: boolean };

const customerSchema = new Schema<CustomerDocument>({ _id: String }, { collection: 'customers', strict: false, versionKey: false });
customerSchema.index({ 'keys.name': 1 }, { unique: true, partialFilterExpression: { status: 'active' } });
customerSchema.index({ 'keys.names': 1, status: 1 });
customerSchema.index({ 'keys.grams': 1 });
customerSchema.index({ 'keys.phones': 1 });
customerSchema.index({ 'keys.emails': 1 });
customerSchema.index({ 'externalIds.id': 1 });
customerSchema.index({ number: 1 }, { unique: true });

// Parked open requests expire after a day: the choice buttons are for the conversation at hand.
const draftSchema = new Schema<OpenDraftDocument>({ _id: String }, { collection: 'open_drafts', strict: false, versionKey: false });
draftSchema.index({ createdAt: 1 }, { expireAfterSeconds: 24 * 3600 });

export function customerModel(conn: Connection): Model<CustomerDocument> {
  return (conn.models.Customer as Model<CustomerDocument>) ?? conn.model<CustomerDocument>('Customer', customerSchema);
}

export function openDraftModel(conn: Connection): Model<OpenDraftDocument> {
  return (conn.models.OpenDraft as Model<OpenDraftDocument>) ?? conn.model<OpenDraftDocument>('OpenDraft', draftSchema);
}
