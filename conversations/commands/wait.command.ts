import { ticketActionCommand } from './ticket-action.js';

export const waitCommand = ticketActionCommand({
  name: 'wait',
  aliases: ['等待', 'hold'],
  usage: '/ticket wait <id>',
  toAction: () => ({ kind: 'wait' }),
  reply: 'reply.waiting',
});
