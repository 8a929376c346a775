// The console's JSON requests, validated, and translated into neutral commands.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { InboundCommand } from '../../src/core/inbound.js';
import type { OrgView } from '../../src/org/org.types.js';

export const consoleMessageSchema = z
  .object({
    user: z.string({ error: 'user is required: the id of the person you act as (GET /console/api/people)' }).min(1).max(100),
    text: z.string().max(10_000, 'text is longer than 10,000 characters').optional(),
    action: z
      .object({
        id: z.string().min(1).max(100),
        values: z.record(z.string(), z.string().max(10_000)).default({}),
      })
      .optional(),
    /** Lets a client retry safely: the same id is applied once. */
    deliveryId: z.string().min(1).max(200).optional(),
  })
  .refine((m) => (m.text !== undefined) !== (m.action !== undefined), { message: 'send either "text" or "action", not both and not neither' });

export type ConsoleMessage = z.infer<typeof consoleMessageSchema>;

export function toInbound(message: ConsoleMessage, org: OrgView, now: Date): InboundCommand | { error: string } {
  const person = org.personByIdentity('console', message.user) ?? org.person(message.user);
  if (!person) return { error: `unknown user '${message.user}'; pick one of GET /console/api/people` };
  const base = {
    actor: { platform: 'console' as const, platformUserId: person.id, displayName: person.name, personId: person.id, locale: person.locale },
    conversation: { platform: 'console' as const, conversationId: `console:${person.id}` },
    deliveryId: `console:${person.id}:${message.deliveryId ?? randomUUID()}`,
    receivedAt: now,
  };
  if (message.action) return { ...base, kind: 'action', action: { id: message.action.id, values: message.action.values }, via: 'button' };
  return { ...base, kind: 'text', text: message.text ?? '', via: 'command' };
}
