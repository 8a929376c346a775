// The customer side of opening a ticket: `--customer <name>` (or the form's
// customer box) resolves against the directory — an exact name or alias links
// the ticket, close names are offered as buttons (the request waits as a
// draft that each button opens), no match adds a new customer. Parked
// requests are claimed once, so two clicks never open two tickets.
import { randomUUID } from 'node:crypto';
import type { Reply } from '../../src/core/card.js';
import { CodedError } from '../../src/core/errors.js';
import type { Customer } from '../../src/customers/customer.types.js';
import type { Tier } from '../../src/tickets/ticket.types.js';
import type { CommandContext } from '../command-spec.js';
import { customerChoiceCard } from '../render/customer.card.js';

export interface CustomerArgs {
  title: string;
  customer?: string;
  tier?: Tier;
  customerId?: string;
  newCustomer?: true | 'true';
  draft?: string;
}

export type CustomerStep =
  | { kind: 'none' }
  | { kind: 'linked'; customer: Customer; created: boolean }
  | { kind: 'choose'; replies: Reply[] };

/** Arguments as a draft keeps them: plain strings, checked again by the schema when used. */
function asStrings(args: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(args)) if (v !== undefined && k !== 'draft' && k !== 'customerId' && k !== 'newCustomer') out[k] = String(v);
  return out;
}

/** Which customer the ticket is for; may create one, or ask the opener to choose. */
export async function customerFor(ctx: CommandContext, args: CustomerArgs & Record<string, unknown>, openerId: string): Promise<CustomerStep> {
  const directory = ctx.services.customers;
  if (!directory) return { kind: 'none' };
  if (args.customerId) {
    const chosen = await directory.get(args.customerId);
    if (!chosen) throw new CodedError('customer.not_found', { name: args.customerId });
    return { kind: 'linked', customer: chosen, created: false };
  }
  if (!args.customer) return { kind: 'none' };
  if (!args.newCustomer) {
    const match = await directory.match(args.customer);
    if (match.kind === 'exact') return { kind: 'linked', customer: match.customer, created: false };
    if (match.kind === 'choose') {
      const draft = { id: `D-${randomUUID()}`, by: openerId, args: asStrings(args), createdAt: ctx.services.clock.now() };
      await directory.drafts.saveDraft(draft);
      const card = customerChoiceCard(args.customer, args.title, match.candidates, draft.id, match.exact, ctx.locale);
      return { kind: 'choose', replies: [{ card, private: true }] };
    }
  }
  const { customer, created } = await directory.create({ name: args.customer, tier: args.tier }, openerId);
  return { kind: 'linked', customer, created };
}

/** A choice button's parked request, claimed for this open; `undefined` when the command was typed. */
export async function claimDraft(ctx: CommandContext, draftId: string | undefined, openerId: string): Promise<Record<string, string> | undefined> {
  if (!draftId) return undefined;
  const drafts = ctx.services.customers?.drafts;
  if (!drafts) throw new CodedError('customer.choice_expired');
  const draft = await drafts.claimDraft(draftId);
  if (!draft) {
    const stored = await drafts.getDraft(draftId);
    if (stored?.ticketId) throw new CodedError('customer.choice_used', { id: stored.ticketId });
    throw new CodedError(stored ? 'customer.choice_busy' : 'customer.choice_expired');
  }
  if (draft.by !== openerId) {
    await drafts.releaseDraft(draftId);
    throw new CodedError('customer.choice_not_yours');
  }
  return draft.args;
}
