// The last events of a ticket's timeline as one line each (the evidence chain).
import type { Locale } from '../../src/core/platform.js';
import type { OrgView } from '../../src/org/org.types.js';
import type { Ticket } from '../../src/tickets/ticket.types.js';
import { translate } from '../messages/index.js';
import { formatTime, personName } from './names.js';

export function timelineLines(ticket: Ticket, org: OrgView, locale: Locale, last: number): string[] {
  return ticket.timeline.slice(-last).map((e) => {
    const what = e.kind === 'open' ? translate(locale, 'state.open') : translate(locale, `action.${e.kind}`);
    // A customer change says which customer and why (tier change or merge) rather than a raw reason code.
    const detail =
      e.kind === 'customer'
        ? translate(locale, `timeline.${String(e.details.reason)}${e.details.tier ? '' : '_same_tier'}`, {
            customer: e.details.customer as string,
            id: e.details.customerId as string,
            tier: e.details.tier as string,
            from: e.details.mergedFrom as string,
          })
        : (e.details.reason ?? e.details.text ?? e.details.summary ?? e.details.note ?? '');
    const via = e.source.platform === 'system' ? '' : ` (${e.source.platform}, ${e.source.via})`;
    return `${formatTime(e.at)} ${personName(org, e.actorId)}: ${what}${detail ? ` — ${detail}` : ''}${via}`;
  });
}
