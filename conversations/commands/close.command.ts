import { ticketActionCommand } from './ticket-action.js';

export const closeCommand = ticketActionCommand({
  name: 'close',
  aliases: ['关闭'],
  usage: '/ticket close <id>',
  toAction: () => ({ kind: 'close' }),
  reply: 'reply.closed',
});
