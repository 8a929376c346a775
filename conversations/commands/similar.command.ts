import { z } from 'zod';
import { CodedError } from '../../src/core/errors.js';
import { defineCommand } from '../command-spec.js';
import { freeText } from '../args.js';
import { caseStatsCard, similarCasesCard } from '../render/case.card.js';
import { translate } from '../messages/index.js';

export const similarCommand = defineCommand({
  name: 'similar',
  aliases: ['相似', '类似'],
  usage: '/ticket similar <text>',
  positional: [],
  rest: 'text',
  access: 'linked',
  schema: z.object({ text: freeText(1000).optional() }),
  async run(ctx, args) {
    const library = ctx.services.cases;
    if (!library) throw new CodedError('case.unavailable');
    // With nothing to search for, the library's health: the monthly share of resolved tickets that became cases.
    if (!args.text) return [{ card: caseStatsCard(await library.stats(6), ctx.locale) }];
    const hits = await library.similar(ctx.person, args.text, 5);
    if (!hits.length) return [{ text: translate(ctx.locale, 'similar.none'), private: true }];
    return [{ card: similarCasesCard(hits, ctx.locale), private: true }];
  },
});
