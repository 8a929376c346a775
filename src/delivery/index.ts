// The outbox and what feeds it: chat pings from notifications, live ticket cards.
export type { OutboxContent, OutboxMessage, OutboxStore, CardPost, CardPostStore, NewOutboxMessage, OutboxStatus } from './outbox.types.js';
export { OutboxWorker, destinationKey, type OutboxRenderer } from './outbox.worker.js';
export { TicketCardSync, channelLocale } from './ticket-cards.js';
export { NotificationDispatch, pingIdentity, type DispatchQueue } from './notification-dispatch.js';
