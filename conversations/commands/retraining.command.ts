import { z } from 'zod';
import { CodedError } from '../../src/core/errors.js';
import { defineCommand, requirePerson } from '../command-spec.js';
import { enumArg, personArg } from '../args.js';
import { say } from '../render/names.js';

export const retrainingCommand = defineCommand({
  name: 'retraining',
  aliases: ['再培训', '培训'],
  usage: '/ticket retraining done <@person>',
  positional: ['op', 'person'],
  access: 'linked',
  schema: z.object({ op: enumArg(['done'] as const, { 完成: 'done' }), person: personArg }),
  async run(ctx, args) {
    const confirmer = requirePerson(ctx);
    const { org, ledger, clock } = ctx.services;
    if (!ledger) throw new CodedError('internal.error');
    const person = org.findPerson(args.person);
    if (!person) throw new CodedError('org.unknown_person', { person: args.person });
    // The supervisor confirms; their department lead or a manager may stand in.
    const dept = person.departmentId ? org.department(person.departmentId) : undefined;
    const allowed = person.supervisorId === confirmer.id || dept?.leadId === confirmer.id || dept?.managerId === confirmer.id || confirmer.roles.includes('director');
    if (!allowed || confirmer.id === person.id) throw new CodedError('retraining.not_your_report', { person: person.id });
    const open = await ledger.openRetrainingFor(person.id);
    if (!open) throw new CodedError('retraining.none_open', { person: person.id });
    const done = await ledger.completeRetraining(open.id, confirmer.id, clock.now());
    if (!done) throw new CodedError('retraining.none_open', { person: person.id });
    return [{ text: say(ctx.locale, org, 'reply.retraining_done', { retrainingId: done.id, person: person.id }) }];
  },
});
