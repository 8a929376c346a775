import { freeText } from '../args.js';
import { ticketActionCommand } from './ticket-action.js';

export const resolveCommand = ticketActionCommand({
  name: 'resolve',
  aliases: ['解决'],
  usage: '/ticket resolve <id> [summary]',
  rest: 'summary',
  extra: { summary: freeText().optional() },
  toAction: (args) => ({ kind: 'resolve', summary: args.summary }),
  reply: 'reply.resolved',
});
