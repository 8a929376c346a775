import { CodedError } from '../../src/core/errors.js';
import { departmentArg, freeText } from '../args.js';
import { departmentName } from '../render/names.js';
import { ticketActionCommand } from './ticket-action.js';

export const handoffCommand = ticketActionCommand({
  name: 'handoff',
  aliases: ['转交', 'transfer'],
  usage: '/ticket handoff <id> <department> [note]',
  positional: ['department'],
  rest: 'note',
  extra: { department: departmentArg, note: freeText(1000).optional() },
  toAction: (args, ctx) => {
    const dept = ctx.services.org.findDepartment(args.department);
    if (!dept) {
      const known = ctx.services.org.departments().map((d) => `${d.id} (${departmentName(ctx.services.org, d.id, ctx.locale)})`).join(', ');
      throw new CodedError('org.unknown_department', { department: args.department, known });
    }
    return { kind: 'handoff', toDepartmentId: dept.id, note: args.note };
  },
  reply: 'reply.handoff_requested',
  replyParams: (ticket) => ({ department: ticket.pendingHandoff?.toDepartmentId ?? '' }),
});
