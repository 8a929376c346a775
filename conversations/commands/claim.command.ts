import { ticketActionCommand } from './ticket-action.js';

export const claimCommand = ticketActionCommand({
  name: 'claim',
  aliases: ['认领', 'take'],
  usage: '/ticket claim <id>',
  toAction: () => ({ kind: 'claim' }),
  reply: 'reply.claimed',
});
