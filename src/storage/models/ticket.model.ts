// Tickets as stored: the ticket id (`T-12`) is the document _id, the timeline
// is embedded so a change and its evidence are saved in one atomic write.
import { Schema, type Connection, type Model } from 'mongoose';
import type { Ticket } from '../../tickets/ticket.types.js';

const timelineSchema = new Schema(
  {
    at: { type: Date, required: true },
    actorId: { type: String, required: true },
    kind: { type: String, required: true },
    from: String,
    to: String,
    details: { type: Schema.Types.Mixed, default: {} },
    source: { platform: String, via: String, messageLink: String, deliveryId: String },
  },
  { _id: false, minimize: false },
);

export type TicketDocument = Omit<Ticket, 'id'> & { _id: string };

const ticketSchema = new Schema<TicketDocument>(
  {
    _id: { type: String, required: true },
    number: { type: Number, required: true, unique: true },
    title: { type: String, required: true },
    description: String,
    type: { type: String, required: true },
    priority: { type: String, required: true },
    tier: { type: String, required: true },
    complexity: { type: String, required: true },
    incidentLevel: Number,
    channel: { type: String, required: true },
    customer: String,
    customerId: String,
    state: { type: String, required: true },
    departmentId: { type: String, required: true },
    ownerId: String,
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    firstResponseAt: Date,
    resolvedAt: Date,
    closedAt: Date,
    resolution: String,
    escalation: { level: String, toPersonId: String, reason: String, at: Date },
    pendingHandoff: {
      fromDepartmentId: String,
      toDepartmentId: String,
      requestedBy: String,
      requestedAt: Date,
      note: String,
      returnState: String,
    },
    resumeState: String,
    satisfaction: Number,
    overdueSince: Date,
    clocks: { type: [Schema.Types.Mixed], default: undefined },
    pendingNotices: { type: [Schema.Types.Mixed], default: undefined },
    confidential: { type: Boolean, default: false },
    version: { type: Number, required: true },
    timeline: { type: [timelineSchema], default: [] },
  },
  { collection: 'tickets', versionKey: false, timestamps: false, minimize: true },
);
ticketSchema.index({ departmentId: 1, state: 1, updatedAt: -1 });
ticketSchema.index({ ownerId: 1, state: 1 });
ticketSchema.index({ state: 1, updatedAt: -1 });
ticketSchema.index({ 'clocks.next.at': 1 });
ticketSchema.index({ 'pendingNotices.message': 1 });
// A customer's tickets (its card, re-tiering, merges) and resolutions per month (the case share).
ticketSchema.index({ customerId: 1, updatedAt: -1 });
ticketSchema.index({ resolvedAt: 1 });

const counterSchema = new Schema<{ _id: string; seq: number }>({ _id: String, seq: Number }, { collection: 'counters', versionKey: false });

export function ticketModel(conn: Connection): Model<TicketDocument> {
  return (conn.models.Ticket as Model<TicketDocument>) ?? conn.model<TicketDocument>('Ticket', ticketSchema);
}

export function counterModel(conn: Connection): Model<{ _id: string; seq: number }> {
  return (conn.models.Counter as Model<{ _id: string; seq: number }>) ?? conn.model('Counter', counterSchema);
}
