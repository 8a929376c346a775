import { z } from 'zod';
import { defineCommand, requirePerson } from '../command-spec.js';
import { ticketIdArg } from '../args.js';
import { ticketCard } from '../render/ticket.card.js';
import { timelineLines } from '../render/timeline.js';
import { translate } from '../messages/index.js';

export const showCommand = defineCommand({
  name: 'show',
  aliases: ['查看', 'view'],
  usage: '/ticket show <id>',
  positional: ['id'],
  access: 'linked',
  schema: z.object({ id: ticketIdArg }),
  async run(ctx, args) {
    const ticket = await ctx.services.tickets.show(requirePerson(ctx), args.id);
    const card = ticketCard(ticket, ctx.services.org, ctx.locale, ctx.services.clocksOf?.(ticket));
    const lines = timelineLines(ticket, ctx.services.org, ctx.locale, 10);
    card.fields.push({ label: translate(ctx.locale, 'label.timeline'), value: lines.join('\n'), short: false });
    return [{ card }];
  },
});
