// Recognises the command forms of DESIGN.md (`/ticket claim T-1`, `ticket …`,
// `/工单 认领 T-1`, or just `claim T-1` after the bot's mention was removed by
// the adapter) and splits off the verb.
const PREFIXES = ['/ticket', 'ticket', '/工单', '工单', '/tickets', 'tickets'];

export interface CommandLine {
  verb: string;
  /** Everything after the verb, untouched. */
  rest: string;
}

export function splitCommandLine(text: string): CommandLine {
  let body = text.replace(/\u00a0/g, ' ').trim();
  const lower = body.toLowerCase();
  for (const prefix of PREFIXES) {
    if (lower === prefix || lower.startsWith(prefix + ' ') || lower.startsWith(prefix + '\n')) {
      body = body.slice(prefix.length).trim();
      break;
    }
  }
  const match = /^(\S+)\s*([\s\S]*)$/.exec(body);
  if (!match) return { verb: '', rest: '' };
  return { verb: match[1].toLowerCase(), rest: match[2].trim() };
}

export { parseTicketId as normaliseTicketId } from '../../src/tickets/ticket.factory.js';
