import { z } from 'zod';
import { CodedError } from '../../src/core/errors.js';
import { defineCommand, requirePerson } from '../command-spec.js';
import { enumArg, freeText, prefixedIdArg } from '../args.js';
import { say } from '../render/names.js';
import { penaltyCard } from '../render/penalty.card.js';

const appealId = prefixedIdArg('A', 'input.appeal_id');

export const reviewCommand = defineCommand({
  name: 'review',
  aliases: ['复核'],
  usage: '/ticket review <appeal-id> uphold|reduce|revoke [note]',
  positional: ['appeal', 'decision'],
  rest: 'note',
  access: 'linked',
  schema: z.object({
    appeal: appealId,
    decision: enumArg(['uphold', 'reduce', 'revoke'] as const, { 维持: 'uphold', 减轻: 'reduce', 撤销: 'revoke' }),
    note: freeText(1000).optional(),
  }),
  async run(ctx, args) {
    const reviewer = requirePerson(ctx);
    if (!ctx.services.appeals) throw new CodedError('internal.error');
    const { appeal, penalty } = await ctx.services.appeals.decide(reviewer, args.appeal, args.decision, args.note);
    const text = say(ctx.locale, ctx.services.org, 'reply.reviewed', { appealId: appeal.id, penaltyId: penalty.id, decision: args.decision });
    return [{ text, card: penaltyCard(penalty, ctx.services.org, ctx.locale, { canAppeal: false }) }];
  },
});
