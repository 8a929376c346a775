import { z } from 'zod';
import { card } from '../../src/core/card.js';
import { CodedError } from '../../src/core/errors.js';
import type { OrgView, Person } from '../../src/org/org.types.js';
import { defineCommand, requirePerson } from '../command-spec.js';
import { translate } from '../messages/index.js';
import { personName } from '../render/names.js';
import { consequenceText } from '../render/penalty.card.js';

/** Whose ledger a person may read: their own; supervisors their reports; leads their department; managers and above everyone. */
export function mayReadLedger(reader: Person, subject: Person, org: OrgView): boolean {
  if (reader.id === subject.id) return true;
  if (reader.roles.some((r) => r === 'manager' || r === 'director' || r === 'admin' || r === 'reviewer')) return true;
  if (subject.supervisorId === reader.id) return true;
  const dept = subject.departmentId ? org.department(subject.departmentId) : undefined;
  return !!dept && dept.leadId === reader.id;
}

export const penaltiesCommand = defineCommand({
  name: 'penalties',
  aliases: ['处罚', 'ledger'],
  usage: '/ticket penalties [mine|@person|team]',
  positional: ['who'],
  access: 'linked',
  schema: z.object({ who: z.string().trim().min(1).optional() }),
  async run(ctx, args) {
    const reader = requirePerson(ctx);
    const { org, ledger } = ctx.services;
    if (!ledger) throw new CodedError('internal.error');
    let subjects: Person[];
    if (!args.who || args.who === 'mine' || args.who === '我的') subjects = [reader];
    else if (args.who === 'team' || args.who === '团队') subjects = org.people().filter((p) => p.id !== reader.id && mayReadLedger(reader, p, org) && (p.supervisorId === reader.id || p.departmentId === reader.departmentId));
    else {
      const subject = org.findPerson(args.who);
      if (!subject) throw new CodedError('org.unknown_person', { person: args.who });
      if (!mayReadLedger(reader, subject, org)) throw new CodedError('penalty.ledger_private', { person: subject.id });
      subjects = [subject];
    }
    const rows = await ledger.forPeople(subjects.map((s) => s.id), 30);
    if (!rows.length) return [{ text: translate(ctx.locale, 'reply.no_penalties') }];
    const b = card(translate(ctx.locale, 'reply.penalties_title'), 'info');
    for (const p of rows) {
      const status = translate(ctx.locale, `penalty.status.${p.status}`);
      b.field(`${p.id} · ${personName(org, p.personId, ctx.locale)} · ${p.ticketId} · ${translate(ctx.locale, `clockname.${p.clock}`)}`, `${translate(ctx.locale, `grade.${p.grade}`)} · ${consequenceText(p, ctx.locale)} · ${status}`, false);
    }
    return [{ card: b.build(), private: true }];
  },
});
