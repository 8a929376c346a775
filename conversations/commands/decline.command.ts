import { freeText } from '../args.js';
import { ticketActionCommand } from './ticket-action.js';

export const declineCommand = ticketActionCommand({
  name: 'decline',
  aliases: ['拒绝'],
  usage: '/ticket decline <id> <reason>',
  rest: 'reason',
  extra: { reason: freeText(500) },
  toAction: (args) => ({ kind: 'decline', reason: args.reason }),
  reply: 'reply.declined',
  replyParams: (ticket) => ({ department: ticket.departmentId }),
});
