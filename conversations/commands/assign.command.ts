import { CodedError } from '../../src/core/errors.js';
import { personArg } from '../args.js';
import { ticketActionCommand } from './ticket-action.js';

export const assignCommand = ticketActionCommand({
  name: 'assign',
  aliases: ['指派'],
  usage: '/ticket assign <id> <@person>',
  positional: ['person'],
  extra: { person: personArg },
  toAction: (args, ctx) => {
    const person = ctx.services.org.findPerson(args.person);
    if (!person) throw new CodedError('org.unknown_person', { person: args.person });
    return { kind: 'assign', personId: person.id };
  },
  reply: 'reply.assigned',
  replyParams: (ticket) => ({ person: ticket.ownerId ?? '' }),
});
