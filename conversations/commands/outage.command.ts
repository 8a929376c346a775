import { z } from 'zod';
import { CodedError } from '../../src/core/errors.js';
import { defineCommand, requirePerson } from '../command-spec.js';
import { enumArg, freeText } from '../args.js';
import { say, formatTime } from '../render/names.js';

export const outageCommand = defineCommand({
  name: 'outage',
  aliases: ['故障'],
  usage: '/ticket outage start|end [note]',
  positional: ['phase'],
  rest: 'note',
  access: 'admin',
  schema: z.object({ phase: enumArg(['start', 'end'] as const, { 开始: 'start', 结束: 'end' }), note: freeText(500).optional() }),
  async run(ctx, args) {
    const person = requirePerson(ctx);
    const { outages, clockService, clock, org } = ctx.services;
    if (!outages || !clockService) throw new CodedError('internal.error');
    const now = clock.now();
    if (args.phase === 'start') {
      const opened = await outages.start(person.id, args.note, now);
      if (!opened) throw new CodedError('outage.already_active', { since: formatTime(outages.active()?.startedAt) });
      const count = await clockService.outage('start');
      return [{ text: say(ctx.locale, org, 'reply.outage_started', { count }) }];
    }
    const closed = await outages.end(person.id, now);
    if (!closed) throw new CodedError('outage.none_active');
    const count = await clockService.outage('end');
    return [{ text: say(ctx.locale, org, 'reply.outage_ended', { count }) }];
  },
});
