// The last events of a ticket's timeline as one line each (the evidence chain).
import type { Locale } from '../../src/core/platform.js';
import type { OrgView } from '../../src/org/org.types.js';
import type { Ticket } from '../../src/tickets/ticket.types.js';
import { translate } from '../messages/index.js';
import { formatTime, personName } from './names.js';

export function timelineLines(ticket: Ticket, org: OrgView, locale: Locale, last: number): string[] {
  return ticket.timeline.slice(-last).map((e) => {
    const what = e.kind === 'open' ? translate(locale, 'state.open') : translate(locale, `action.${e.kind}`);
    const detail = e.details.reason ?? e.details.text ?? e.details.summary ?? e.details.note ?? '';
    const via = e.source.platform === 'system' ? '' : ` (${e.source.platform}, ${e.source.via})`;
    return `${formatTime(e.at)} ${personName(org, e.actorId)}: ${what}${detail ? ` — ${detail}` : ''}${via}`;
  });
}
