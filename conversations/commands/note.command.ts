import { CodedError } from '../../src/core/errors.js';
import type { TicketAction } from '../../src/tickets/ticket.service.js';
import { freeText } from '../args.js';
import { ticketActionCommand } from './ticket-action.js';

/**
 * A note, or one of two notes that stop a clock:
 * `--contacted [text]` logs the contact with a complaining customer (投诉联系),
 * `--review <text or link>` attaches the post-incident review (复盘报告).
 * Only a leading marker counts, so ordinary notes may contain "--" freely.
 */
function noteAction(text: string): TicketAction {
  const m = /^--(contacted|review)(?:\s+([\s\S]*))?$/i.exec(text);
  if (!m) return { kind: 'note', text };
  const rest = m[2]?.trim();
  if (m[1].toLowerCase() === 'contacted') return { kind: 'contact', text: rest || undefined };
  if (!rest) throw new CodedError('input.missing', { field: 'review' });
  return { kind: 'review', text: rest };
}

const REPLIES: Record<string, string> = { note: 'reply.noted', contact: 'reply.contacted', review: 'reply.review_attached' };

export const noteCommand = ticketActionCommand({
  name: 'note',
  aliases: ['备注', 'comment'],
  usage: '/ticket note <id> <text>   (or --contacted [text], --review <text or link>)',
  rest: 'text',
  extra: { text: freeText() },
  toAction: (args) => noteAction(args.text),
  reply: (ticket) => REPLIES[ticket.timeline[ticket.timeline.length - 1]?.kind ?? 'note'] ?? 'reply.noted',
});
