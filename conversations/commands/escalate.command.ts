import { freeText } from '../args.js';
import { ticketActionCommand } from './ticket-action.js';

export const escalateCommand = ticketActionCommand({
  name: 'escalate',
  aliases: ['升级'],
  usage: '/ticket escalate <id> <reason>',
  rest: 'reason',
  extra: { reason: freeText(500) },
  toAction: (args) => ({ kind: 'escalate', reason: args.reason }),
  reply: 'reply.escalated',
  replyParams: (ticket) => ({ level: ticket.escalation?.level ?? '', person: ticket.escalation?.toPersonId ?? '' }),
});
