// Argument schemas shared by the commands. Each failure message is a message
// code, so the reply can say exactly what was wrong in the person's language.
import { z } from 'zod';
import { normaliseTicketId } from './parse/command-line.js';
import { MAX_TEXT_LENGTH, MAX_TITLE_LENGTH } from '../src/tickets/ticket.factory.js';

/** Text a person typed; `$`-prefixed or odd text is stored as typed (it is data, never a query). */
export const freeText = (max = MAX_TEXT_LENGTH) =>
  z
    .string({ error: 'input.missing' })
    .trim()
    .min(1, { error: 'input.missing' })
    .max(max, { error: 'input.too_long' });

export const ticketIdArg = z
  .string({ error: 'input.missing' })
  .transform((raw, ctx) => {
    const id = normaliseTicketId(raw);
    if (!id) {
      ctx.addIssue({ code: 'custom', message: 'input.ticket_id' });
      return z.NEVER;
    }
    return id;
  });

export const titleArg = freeText(MAX_TITLE_LENGTH);

export const personArg = z.string({ error: 'input.missing' }).trim().min(1, { error: 'input.missing' });
export const departmentArg = z.string({ error: 'input.missing' }).trim().min(1, { error: 'input.missing' });

export function enumArg<T extends readonly [string, ...string[]]>(values: T, aliases: Record<string, T[number]> = {}) {
  return z
    .string()
    .transform((raw, ctx): T[number] => {
      const key = raw.trim().toLowerCase();
      const hit = values.find((v) => v.toLowerCase() === key) ?? aliases[key] ?? aliases[raw.trim()];
      if (!hit) {
        ctx.addIssue({ code: 'custom', message: 'input.not_one_of', params: { allowed: values.join('|') } });
        return z.NEVER;
      }
      return hit as T[number];
    });
}

/** Ids like `P-12` or `A-3` (case, dash and full-width forms accepted); `code` names the message for a bad one. */
export function prefixedIdArg(prefix: string, code: string) {
  const pattern = new RegExp(`^${prefix}-?(\\d{1,9})$`, 'i');
  return z.string({ error: 'input.missing' }).transform((raw, ctx) => {
    const m = pattern.exec(raw.normalize('NFKC').trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: code });
      return z.NEVER;
    }
    return `${prefix}-${Number(m[1])}`;
  });
}
