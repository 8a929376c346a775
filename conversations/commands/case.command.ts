import { z } from 'zod';
import { CodedError } from '../../src/core/errors.js';
import { defineCommand, requirePerson } from '../command-spec.js';
import { enumArg } from '../args.js';
import { normaliseTicketId } from '../parse/command-line.js';
import { caseStatsCard } from '../render/case.card.js';
import { say } from '../render/names.js';

const MARKS = ['typical', 'exclude', 'include'] as const;
const MARK_ALIASES = { 典型: 'typical', 典型案例: 'typical', 排除: 'exclude', 恢复: 'include', 纳入: 'include' } as const;
const STATS_WORDS = ['stats', 'statistics', '统计'];

// `case <id> typical|exclude|include`, or `case stats [months]`: the second word means
// different things, so it is checked once the first is known.
export const caseCommand = defineCommand({
  name: 'case',
  aliases: ['案例', 'cases'],
  usage: '/ticket case <id> typical|exclude|include  ·  /ticket case stats [months]',
  positional: ['target', 'second'],
  access: 'linked',
  schema: z.object({ target: z.string({ error: 'input.missing' }).trim().min(1, { error: 'input.missing' }), second: z.string().trim().optional() }),
  async run(ctx, args) {
    const person = requirePerson(ctx);
    const library = ctx.services.cases;
    if (!library) throw new CodedError('case.unavailable');
    if (STATS_WORDS.includes(args.target.toLowerCase())) {
      const months = args.second === undefined ? 6 : Number(args.second.normalize('NFKC'));
      if (!Number.isInteger(months) || months < 1 || months > 24) throw new CodedError('case.months', { value: String(args.second).slice(0, 20) });
      return [{ card: caseStatsCard(await library.stats(months), ctx.locale) }];
    }
    const id = normaliseTicketId(args.target);
    if (!id) throw new CodedError('input.ticket_id', { value: args.target.slice(0, 60) });
    if (!args.second) throw new CodedError('input.missing', { field: 'mark' });
    const parsed = enumArg(MARKS, MARK_ALIASES).safeParse(args.second);
    if (!parsed.success) throw new CodedError('input.not_one_of', { field: 'mark', value: args.second.slice(0, 60), allowed: MARKS.join('|') });
    const record = await library.mark(person, id, parsed.data);
    return [{ text: say(ctx.locale, ctx.services.org, `case.marked.${parsed.data}`, { id: record.id }) }];
  },
});
