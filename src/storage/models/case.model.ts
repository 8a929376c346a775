// Cases of the case library as stored: the ticket id is the _id; the text and
// its segmented terms are kept together so every instance indexes the same words.
import { Schema, type Connection, type Model } from 'mongoose';
import type { CaseRecord } from '../../cases/case.types.js';

export type CaseDocument = Omit<CaseRecord, 'id'> & { _id: string };

const caseSchema = new Schema<CaseDocument>({ _id: String }, { collection: 'cases', strict: false, versionKey: false });
caseSchema.index({ standing: 1, withdrawn: 1 });
caseSchema.index({ resolvedAt: 1 });

export function caseModel(conn: Connection): Model<CaseDocument> {
  return (conn.models.Case as Model<CaseDocument>) ?? conn.model<CaseDocument>('Case', caseSchema);
}
