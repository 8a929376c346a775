import { freeText } from '../args.js';
import { ticketActionCommand } from './ticket-action.js';

export const reopenCommand = ticketActionCommand({
  name: 'reopen',
  aliases: ['重新打开', '重开'],
  usage: '/ticket reopen <id> [reason]',
  rest: 'reason',
  extra: { reason: freeText().optional() },
  toAction: (args) => ({ kind: 'reopen', reason: args.reason }),
  reply: 'reply.reopened',
});
