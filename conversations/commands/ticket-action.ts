// Most verbs are "do X to ticket <id>": one factory keeps them uniform — parse
// the id (and a note or reason), run the domain action, answer with the
// updated card.
import { z } from 'zod';
import type { Reply } from '../../src/core/card.js';
import type { TicketAction } from '../../src/tickets/ticket.service.js';
import type { Ticket } from '../../src/tickets/ticket.types.js';
import { defineCommand, requirePerson, type CommandContext, type CommandSpec } from '../command-spec.js';
import { ticketIdArg } from '../args.js';
import { ticketCard } from '../render/ticket.card.js';
import { say } from '../render/names.js';

export interface TicketActionOptions<S extends z.ZodRawShape> {
  name: string;
  aliases: string[];
  usage: string;
  /** Extra arguments after the id (the last one may take the rest of the line). */
  extra?: S;
  positional?: string[];
  rest?: string;
  flags?: Record<string, 'string' | 'boolean'>;
  toAction: (args: z.infer<z.ZodObject<S & { id: typeof ticketIdArg }>>, ctx: CommandContext) => TicketAction;
  /** Message code of the answer (or a function of the updated ticket). */
  reply: string | ((ticket: Ticket) => string);
  replyParams?: (ticket: Ticket, ctx: CommandContext) => Record<string, string>;
}

export function ticketActionCommand<S extends z.ZodRawShape>(opts: TicketActionOptions<S>): CommandSpec {
  const schema = z.object({ id: ticketIdArg, ...(opts.extra ?? ({} as S)) });
  return defineCommand({
      name: opts.name,
      usage: opts.usage,
      aliases: opts.aliases,
      positional: ['id', ...(opts.positional ?? [])],
      rest: opts.rest,
      flags: opts.flags,
      access: 'linked',
      schema: schema as unknown as z.ZodType<Record<string, unknown>>,
      async run(ctx, args): Promise<Reply[]> {
        const person = requirePerson(ctx);
        const typed = args as { id: string } & Record<string, unknown>;
        const { ticket } = await ctx.services.tickets.act(person, typed.id, opts.toAction(typed as never, ctx), ctx.source);
        const params = { id: ticket.id, ...(opts.replyParams?.(ticket, ctx) ?? {}) };
        const reply = typeof opts.reply === 'function' ? opts.reply(ticket) : opts.reply;
        return [{ text: say(ctx.locale, ctx.services.org, reply, params), card: ticketCard(ticket, ctx.services.org, ctx.locale, ctx.services.clocksOf?.(ticket)) }];
      },
    });
}
