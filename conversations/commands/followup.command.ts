import { z } from 'zod';
import { freeText } from '../args.js';
import { ticketActionCommand } from './ticket-action.js';

const score = z
  .string({ error: 'input.missing' })
  .trim()
  .regex(/^[1-5]$/, { error: 'input.score' })
  .transform(Number);

export const followupCommand = ticketActionCommand({
  name: 'followup',
  aliases: ['回访', 'csat'],
  usage: '/ticket followup <id> <score 1-5> [comment]',
  positional: ['score'],
  rest: 'comment',
  extra: { score, comment: freeText(1000).optional() },
  toAction: (args) => ({ kind: 'followup', score: args.score, comment: args.comment }),
  reply: 'reply.followup',
  replyParams: (ticket) => ({ score: String(ticket.satisfaction ?? '') }),
});
