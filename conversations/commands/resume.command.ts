import { ticketActionCommand } from './ticket-action.js';

export const resumeCommand = ticketActionCommand({
  name: 'resume',
  aliases: ['恢复'],
  usage: '/ticket resume <id>',
  toAction: () => ({ kind: 'resume' }),
  reply: 'reply.resumed',
});
