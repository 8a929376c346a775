import { z } from 'zod';
import { CodedError } from '../../src/core/errors.js';
import { PRIORITIES, TICKET_TYPES, TIERS } from '../../src/tickets/ticket.types.js';
import { enumArg } from '../args.js';
import { ticketActionCommand } from './ticket-action.js';

const TYPE_ALIASES = { 咨询: 'inquiry', 服务需求: 'request', 需求: 'request', 投诉: 'complaint', 应急事件: 'incident', 应急: 'incident' } as const;

export const classifyCommand = ticketActionCommand({
  name: 'classify',
  aliases: ['分类', 'set'],
  usage: '/ticket classify <id> [--type inquiry|request|complaint|incident] [--priority P1..P4] [--tier vip|standard|prospect] [--complex|--simple] [--level 1..4]',
  flags: { type: 'string', priority: 'string', tier: 'string', complex: 'boolean', simple: 'boolean', level: 'string' },
  extra: {
    type: enumArg(TICKET_TYPES, TYPE_ALIASES).optional(),
    priority: enumArg(PRIORITIES).optional(),
    tier: enumArg(TIERS).optional(),
    complex: z.literal(true).optional(),
    simple: z.literal(true).optional(),
    level: enumArg(['1', '2', '3', '4'] as const).optional(),
  },
  toAction: (args) => {
    if (args.complex && args.simple) throw new CodedError('input.invalid', { field: 'complex', problem: 'choose --complex or --simple, not both' });
    const changes = {
      type: args.type,
      priority: args.priority,
      tier: args.tier,
      complexity: args.complex ? ('complex' as const) : args.simple ? ('simple' as const) : undefined,
      incidentLevel: args.level ? (Number(args.level) as 1 | 2 | 3 | 4) : undefined,
    };
    return { kind: 'classify', changes: Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
  },
  reply: 'reply.classified',
});
