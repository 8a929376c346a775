import { z } from 'zod';
import { CodedError } from '../../src/core/errors.js';
import { PRIORITIES, TICKET_TYPES, TIERS, CHANNELS } from '../../src/tickets/ticket.types.js';
import { defineCommand } from '../command-spec.js';
import { departmentArg, enumArg, freeText, titleArg } from '../args.js';
import { ticketCard } from '../render/ticket.card.js';
import { departmentName, say } from '../render/names.js';

const TYPE_ALIASES = { 咨询: 'inquiry', 服务需求: 'request', 需求: 'request', 投诉: 'complaint', 应急事件: 'incident', 应急: 'incident' } as const;
const TIER_ALIASES = { 重要客户: 'vip', 一般客户: 'standard', 潜在客户: 'prospect' } as const;

const schema = z.object({
  title: titleArg,
  type: enumArg(TICKET_TYPES, TYPE_ALIASES).optional(),
  priority: enumArg(PRIORITIES).optional(),
  tier: enumArg(TIERS, TIER_ALIASES).optional(),
  customer: freeText(200).optional(),
  complex: z.union([z.literal(true), z.literal('true')]).optional(),
  level: enumArg(['1', '2', '3', '4'] as const).optional(),
  channel: enumArg(CHANNELS).optional(),
  department: departmentArg.optional(),
  description: freeText().optional(),
});

export const openCommand = defineCommand({
  name: 'open',
  aliases: ['新建', 'new', 'create'],
  usage: '/ticket open <title> [--type inquiry|request|complaint|incident] [--priority P1..P4] [--tier vip|standard|prospect] [--customer <name>] [--complex] [--level 1..4]',
  positional: [],
  rest: 'title',
  flags: { type: 'string', priority: 'string', tier: 'string', customer: 'string', complex: 'boolean', level: 'string', channel: 'string', department: 'string', description: 'string' },
  // Anyone may open a ticket, even before an admin links their chat account.
  access: 'anyone',
  schema,
  async run(ctx, args) {
    const { org, tickets } = ctx.services;
    let departmentId: string | undefined;
    if (args.department) {
      const dept = org.findDepartment(args.department);
      if (!dept) {
        const known = org.departments().map((d) => `${d.id} (${departmentName(org, d.id, ctx.locale)})`).join(', ');
        throw new CodedError('org.unknown_department', { department: args.department, known });
      }
      departmentId = dept.id;
    }
    const openerId = ctx.person?.id ?? `${ctx.actor.platform}:${ctx.actor.platformUserId}`;
    const { ticket } = await tickets.open(
      openerId,
      {
        title: args.title,
        description: args.description,
        type: args.type,
        priority: args.priority,
        tier: args.tier,
        customer: args.customer,
        complexity: args.complex ? 'complex' : undefined,
        incidentLevel: args.level ? (Number(args.level) as 1 | 2 | 3 | 4) : undefined,
        channel: args.channel,
        departmentId,
      },
      ctx.source,
    );
    return [{ text: say(ctx.locale, org, 'reply.opened', { id: ticket.id, title: ticket.title }), card: ticketCard(ticket, org, ctx.locale, ctx.services.clocksOf?.(ticket)) }];
  },
});
