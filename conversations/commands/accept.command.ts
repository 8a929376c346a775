import { ticketActionCommand } from './ticket-action.js';

export const acceptCommand = ticketActionCommand({
  name: 'accept',
  aliases: ['接收'],
  usage: '/ticket accept <id>',
  toAction: () => ({ kind: 'accept' }),
  reply: 'reply.accepted',
  replyParams: (ticket) => ({ department: ticket.departmentId }),
});
