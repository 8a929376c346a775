import { z } from 'zod';
import { card } from '../../src/core/card.js';
import type { TicketQuery } from '../../src/tickets/ports.js';
import { defineCommand, requirePerson } from '../command-spec.js';
import { enumArg } from '../args.js';
import { translate } from '../messages/index.js';
import { personName } from '../render/names.js';

const SCOPES = ['mine', 'dept', 'overdue', 'unclaimed'] as const;
const SCOPE_ALIASES = { 我的: 'mine', 部门: 'dept', 超时: 'overdue', 未认领: 'unclaimed' } as const;
const ACTIVE = ['open', 'claimed', 'pending_handoff', 'waiting_on_customer'] as const;

export const listCommand = defineCommand({
  name: 'list',
  aliases: ['列表', 'ls'],
  usage: '/ticket list [mine|dept|overdue|unclaimed]',
  positional: ['scope'],
  access: 'linked',
  schema: z.object({ scope: enumArg(SCOPES, SCOPE_ALIASES).optional() }),
  async run(ctx, args) {
    const person = requirePerson(ctx);
    const scope = args.scope ?? 'mine';
    const dept = person.departmentId ? [person.departmentId] : ctx.services.org.departments().map((d) => d.id);
    const queries: Record<(typeof SCOPES)[number], TicketQuery> = {
      mine: { ownerId: person.id, states: [...ACTIVE] },
      dept: { departmentIds: dept, states: [...ACTIVE] },
      overdue: { departmentIds: dept, states: [...ACTIVE], overdue: true },
      unclaimed: { departmentIds: dept, states: ['open', 'pending_handoff'], unclaimed: true },
    };
    const tickets = await ctx.services.tickets.list(person, { ...queries[scope], limit: 25 });
    if (!tickets.length) return [{ text: translate(ctx.locale, 'reply.list_empty') }];
    const b = card(translate(ctx.locale, 'reply.list_title', { scope }), 'info');
    for (const t of tickets) {
      const owner = t.ownerId ? personName(ctx.services.org, t.ownerId) : translate(ctx.locale, 'label.unclaimed');
      b.field(`${t.id} · ${t.title}`, `${translate(ctx.locale, `state.${t.state}`)} · ${t.priority} · ${owner}`, false);
    }
    for (const t of tickets.slice(0, 5)) b.button('show', `${translate(ctx.locale, 'button.show')} ${t.id}`, { id: t.id });
    return [{ card: b.build() }];
  },
});
