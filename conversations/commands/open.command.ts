import { z } from 'zod';
import type { Reply } from '../../src/core/card.js';
import { CodedError } from '../../src/core/errors.js';
import { checkOpenInput } from '../../src/tickets/ticket.factory.js';
import { PRIORITIES, TICKET_TYPES, TIERS, CHANNELS } from '../../src/tickets/ticket.types.js';
import { defineCommand, type CommandContext } from '../command-spec.js';
import { departmentArg, enumArg, freeText, titleArg } from '../args.js';
import { ticketCard } from '../render/ticket.card.js';
import { newCustomerCard } from '../render/customer.card.js';
import { similarCasesCard } from '../render/case.card.js';
import { departmentName, say } from '../render/names.js';
import { claimDraft, customerFor } from './open-customer.js';

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
  // Sent by the buttons that choose among close customer names (never typed).
  customerId: z.string().trim().min(1).max(40).optional(),
  newCustomer: z.union([z.literal(true), z.literal('true')]).optional(),
  draft: z.string().trim().min(1).max(80).optional(),
});
type OpenArgs = z.infer<typeof schema>;

/**
 * Up to three solved cases like the new ticket, for the opener; a failure here never fails the open.
 * Only solved tickets are cases, so the search needs nothing from the new ticket but its text: it
 * runs while the ticket is being saved.
 */
async function suggestions(ctx: CommandContext, text: string): Promise<Reply[]> {
  if (!ctx.services.cases) return [];
  try {
    const hits = await ctx.services.cases.similar(ctx.person, text, 3);
    return hits.length ? [{ card: similarCasesCard(hits, ctx.locale, 'similar.suggest_title'), private: true }] : [];
  } catch {
    return [];
  }
}

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
  async run(ctx, given) {
    const openerId = ctx.person?.id ?? `${ctx.actor.platform}:${ctx.actor.platformUserId}`;
    const parked = await claimDraft(ctx, given.draft, openerId);
    try {
      // A choice button opens the parked request with the customer chosen.
      const args: OpenArgs = parked ? { ...schema.parse(parked), customerId: given.customerId, newCustomer: given.newCustomer } : given;
      const replies = await openTicket(ctx, args, openerId);
      const opened = /\bT-\d+\b/.exec(replies[0]?.text ?? '')?.[0];
      if (given.draft && opened) await ctx.services.customers?.drafts.finishDraft(given.draft, opened);
      else if (given.draft) await ctx.services.customers?.drafts.releaseDraft(given.draft);
      return replies;
    } catch (err) {
      if (given.draft && parked) await ctx.services.customers?.drafts.releaseDraft(given.draft);
      throw err;
    }
  },
});

async function openTicket(ctx: CommandContext, args: OpenArgs, openerId: string): Promise<Reply[]> {
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
  const incidentLevel = args.level ? (Number(args.level) as 1 | 2 | 3 | 4) : undefined;
  // Refused input changes nothing: checked before a customer could be added.
  checkOpenInput({ title: args.title, type: args.type, incidentLevel });
  const step = await customerFor(ctx, args, openerId);
  if (step.kind === 'choose') return step.replies;
  const customer = step.kind === 'linked' ? step.customer : undefined;
  const similar = suggestions(ctx, [args.title, args.description].filter(Boolean).join('\n'));
  const { ticket } = await tickets.open(
    openerId,
    {
      title: args.title,
      description: args.description,
      type: args.type,
      priority: args.priority,
      // The customer's tier unless the opener gave one (recorded as an override).
      tier: args.tier ?? customer?.tier,
      customer: customer?.name ?? args.customer,
      customerId: customer?.id,
      customerTier: customer?.tier,
      confidential: customer?.confidential || undefined,
      complexity: args.complex ? 'complex' : undefined,
      incidentLevel,
      channel: args.channel,
      departmentId,
    },
    ctx.source,
  );
  const replies: Reply[] = [{ text: say(ctx.locale, org, 'reply.opened', { id: ticket.id, title: ticket.title }), card: ticketCard(ticket, org, ctx.locale, ctx.services.clocksOf?.(ticket)) }];
  if (step.kind === 'linked' && step.created) replies.push({ card: newCustomerCard(step.customer, ctx.locale), private: true });
  return [...replies, ...(await similar)];
}
