import { z } from 'zod';
import { CodedError } from '../../src/core/errors.js';
import { defineCommand, requirePerson } from '../command-spec.js';
import { freeText, prefixedIdArg } from '../args.js';
import { say } from '../render/names.js';
import { penaltyCard } from '../render/penalty.card.js';

const penaltyId = prefixedIdArg('P', 'input.penalty_id');

export const appealCommand = defineCommand({
  name: 'appeal',
  aliases: ['申诉'],
  usage: '/ticket appeal <penalty-id> <reason>',
  positional: ['penalty'],
  rest: 'reason',
  access: 'linked',
  schema: z.object({ penalty: penaltyId, reason: freeText(1000) }),
  async run(ctx, args) {
    const person = requirePerson(ctx);
    if (!ctx.services.appeals) throw new CodedError('internal.error');
    const { appeal, penalty } = await ctx.services.appeals.file(person, args.penalty, args.reason);
    const text = say(ctx.locale, ctx.services.org, 'reply.appealed', { penaltyId: penalty.id, appealId: appeal.id, reviewer: appeal.reviewerId });
    return [{ text, card: penaltyCard(penalty, ctx.services.org, ctx.locale, { canAppeal: false }) }];
  },
});
