import { freeText } from '../args.js';
import { ticketActionCommand } from './ticket-action.js';

export const noteCommand = ticketActionCommand({
  name: 'note',
  aliases: ['备注', 'comment'],
  usage: '/ticket note <id> <text>',
  rest: 'text',
  extra: { text: freeText() },
  toAction: (args) => ({ kind: 'note', text: args.text }),
  reply: 'reply.noted',
});
