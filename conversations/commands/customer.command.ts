import { z } from 'zod';
import { card } from '../../src/core/card.js';
import type { Reply } from '../../src/core/card.js';
import { CodedError } from '../../src/core/errors.js';
import type { Person } from '../../src/org/org.types.js';
import type { Customer } from '../../src/customers/customer.types.js';
import type { CustomerDirectory } from '../../src/customers/customer.service.js';
import { parseCustomerId } from '../../src/customers/customer.match.js';
import { canSee } from '../../src/tickets/ticket.authz.js';
import { TIERS, type Tier } from '../../src/tickets/ticket.types.js';
import { defineCommand, requirePerson, type CommandContext } from '../command-spec.js';
import { splitWords } from '../parse/tokenize.js';
import { customerCard, duplicatesCard } from '../render/customer.card.js';
import { say } from '../render/names.js';
import { translate } from '../messages/index.js';

const OPS = ['show', 'tier', 'merge', 'duplicates'] as const;
type Op = (typeof OPS)[number];
const OP_WORDS: Record<string, Op> = { tier: 'tier', 等级: 'tier', 级别: 'tier', merge: 'merge', 合并: 'merge', duplicates: 'duplicates', dupes: 'duplicates', 重复: 'duplicates' };
const TIER_WORDS: Record<string, Tier> = { 重要客户: 'vip', 一般客户: 'standard', 潜在客户: 'prospect' };

type Request = { op: 'show'; name: string } | { op: 'tier'; name: string; tier: Tier } | { op: 'merge'; keep: string; drop: string } | { op: 'duplicates' };

function parseTier(raw: string): Tier {
  const key = raw.normalize('NFKC').trim().toLowerCase();
  const tier = (TIERS as readonly string[]).includes(key) ? (key as Tier) : TIER_WORDS[raw.trim()];
  if (!tier) throw new CodedError('input.not_one_of', { field: 'tier', value: raw.slice(0, 60), allowed: TIERS.join('|') });
  return tier;
}

/** `<name>`, `tier <name> <tier>`, `merge <keep> <merge-in>`, `duplicates` (a quoted first word is always a name). */
function parseText(text: string | undefined): Request {
  const words = splitWords(text ?? '');
  if (!words.length) throw new CodedError('input.missing', { field: 'name' });
  const op = words[0].quoted ? undefined : OP_WORDS[words[0].text.toLowerCase()];
  const rest = (op ? words.slice(1) : words).map((w) => w.text);
  if (op === 'duplicates') {
    if (rest.length) throw new CodedError('input.unexpected', { words: rest.join(' ') });
    return { op };
  }
  if (op === 'merge') {
    if (rest.length !== 2) throw new CodedError('customer.merge_needs_two');
    return { op, keep: rest[0], drop: rest[1] };
  }
  if (op === 'tier') {
    if (rest.length < 2) throw new CodedError('input.missing', { field: rest.length ? 'tier' : 'name' });
    return { op, name: rest.slice(0, -1).join(' '), tier: parseTier(rest[rest.length - 1]) };
  }
  return { op: 'show', name: rest.join(' ') };
}

async function cardFor(ctx: CommandContext, directory: CustomerDirectory, customer: Customer, person: Person, mergedFrom?: string): Promise<Reply> {
  const { open, recent, satisfaction } = await directory.profile(customer);
  const visible = (list: typeof open) => list.filter((t) => canSee(person, t, ctx.services.org));
  return { card: customerCard({ customer, open: visible(open), recent: visible(recent), satisfaction, mergedFrom }, person, ctx.services.org, ctx.locale) };
}

async function show(ctx: CommandContext, directory: CustomerDirectory, person: Person, name: string): Promise<Reply[]> {
  const match = await directory.match(name);
  if (match.kind === 'none') throw new CodedError('customer.not_found', { name: name.slice(0, 80) });
  if (match.kind === 'choose') {
    const b = card(translate(ctx.locale, 'customer.which', { name }), 'warning');
    for (const c of match.candidates) {
      b.field(`${c.id} · ${c.name}`, translate(ctx.locale, `tier.${c.tier}`));
      b.button('customer', `${c.id} · ${c.name}`, { op: 'show', name: c.id });
    }
    return [{ card: b.build(), private: true }];
  }
  const asked = parseCustomerId(name);
  return [await cardFor(ctx, directory, match.customer, person, asked && asked !== match.customer.id ? asked : undefined)];
}

export const customerCommand = defineCommand({
  name: 'customer',
  aliases: ['客户', 'customers'],
  usage: '/ticket customer <name>  ·  customer tier <name> vip|standard|prospect  ·  customer merge <keep> <merge-in>  ·  customer duplicates',
  positional: [],
  rest: 'text',
  access: 'linked',
  schema: z.object({
    text: z.string().trim().max(600, { error: 'input.too_long' }).optional(),
    // Card buttons send the request already split.
    op: z.enum(OPS).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    keep: z.string().trim().min(1).max(200).optional(),
    drop: z.string().trim().min(1).max(200).optional(),
  }),
  async run(ctx, args) {
    const person = requirePerson(ctx);
    const directory = ctx.services.customers;
    if (!directory) throw new CodedError('customer.unavailable');
    const { org } = ctx.services;
    const request: Request =
      args.op === 'merge' && args.keep && args.drop ? { op: 'merge', keep: args.keep, drop: args.drop } : args.op === 'show' && args.name ? { op: 'show', name: args.name } : parseText(args.text);
    switch (request.op) {
      case 'show':
        return show(ctx, directory, person, request.name);
      case 'tier': {
        const change = await directory.changeTier(person, request.name, request.tier, ctx.source);
        const { customer } = change;
        const params = { name: customer.name, id: customer.id, tier: translate(ctx.locale, `tier.${customer.tier}`), previous: translate(ctx.locale, `tier.${change.from}`) };
        const lines = [say(ctx.locale, org, change.from === customer.tier ? 'customer.tier_unchanged' : 'customer.tier_changed', params)];
        if (change.retiered.length) lines.push(say(ctx.locale, org, 'customer.tier_followed', { count: change.retiered.length, tickets: change.retiered.join(', ') }));
        if (change.kept.length) lines.push(say(ctx.locale, org, 'customer.tier_kept', { count: change.kept.length, tickets: change.kept.join(', ') }));
        return [{ text: lines.join('\n'), ...(await cardFor(ctx, directory, customer, person)) }];
      }
      case 'merge': {
        if (!person.roles.includes('admin')) throw new CodedError('auth.admin_only');
        const done = await directory.merge(person, request.keep, request.drop, ctx.source);
        const params = { keep: done.keep.id, keepName: done.keep.name, drop: done.drop.id, dropName: done.drop.name, count: done.relinked.length };
        const text = say(ctx.locale, org, done.resumed ? 'customer.merge_resumed' : 'customer.merged', params);
        return [{ text, ...(await cardFor(ctx, directory, done.keep, person)) }];
      }
      case 'duplicates': {
        if (!person.roles.includes('admin')) throw new CodedError('auth.admin_only');
        const pairs = await directory.duplicates(20);
        if (!pairs.length) return [{ text: translate(ctx.locale, 'customer.duplicates.none'), private: true }];
        return [{ card: duplicatesCard(pairs, ctx.locale), private: true }];
      }
    }
  },
});
