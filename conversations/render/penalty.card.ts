// Cards for the penalty ledger: a penalty with its rule, grade and an Appeal
// button; an appeal for its reviewer with the evidence and the three decisions.
import { card, type Card } from '../../src/core/card.js';
import type { Locale } from '../../src/core/platform.js';
import type { OrgView } from '../../src/org/org.types.js';
import type { Penalty } from '../../src/accountability/penalty.types.js';
import type { Appeal } from '../../src/accountability/appeal.types.js';
import type { Ticket } from '../../src/tickets/ticket.types.js';
import { formatDuration } from '../../src/sla/duration.js';
import { translate } from '../messages/index.js';
import { formatTime, personName } from './names.js';
import { timelineLines } from './timeline.js';

const TONE = { minor: 'info', moderate: 'warning', severe: 'danger' } as const;

export function consequenceText(p: Pick<Penalty, 'consequence'>, locale: Locale): string {
  const c = p.consequence;
  const parts = [translate(locale, `warning.${c.warning}`)];
  if (c.points) parts.push(translate(locale, 'consequence.points', { points: c.points }));
  if (c.fine) parts.push(translate(locale, 'consequence.fine', { fine: c.fine }));
  if (c.hrReview) parts.push(translate(locale, 'consequence.hr'));
  return parts.join(locale === 'zh-CN' ? '，' : ', ');
}

export function penaltyCard(p: Penalty, org: OrgView, locale: Locale, options: { canAppeal: boolean }): Card {
  const t = (code: string, params = {}) => translate(locale, code, params);
  const b = card(`${p.id} · ${p.ticketId} · ${t(`grade.${p.grade}`)}`, TONE[p.grade]).subject(`penalty:${p.id}`);
  b.field(t('label.person'), personName(org, p.personId, locale))
    .field(t('label.clock'), t(`clockname.${p.clock}`))
    .field(t('label.target'), formatDuration(p.targetMs, locale))
    .field(t('label.actual'), formatDuration(p.actualMs, locale))
    .field(t('label.consequence'), consequenceText(p, locale), false)
    .field(t('label.rule'), locale === 'zh-CN' ? (p.ruleTextZh ?? p.ruleText) : p.ruleText, false)
    .field(t('label.status'), t(`penalty.status.${p.status}`))
    .field(t('label.basis'), t(`penalty.basis.${p.basis}`));
  b.context(p.history.map((h) => `${formatTime(h.at)} ${t(`penalty.event.${h.event}`)} (${t(`grade.${h.grade}`)})${h.note ? ` — ${h.note}` : ''}`).join('\n'));
  if (options.canAppeal && p.status === 'active') {
    b.input('reason', t('label.appeal_reason'));
    b.button('appeal', t('button.appeal'), { penalty: p.id });
  }
  return b.build();
}

export function appealCard(appeal: Appeal, penalty: Penalty, ticket: Ticket, org: OrgView, locale: Locale): Card {
  const t = (code: string, params = {}) => translate(locale, code, params);
  const b = card(`${appeal.id} · ${penalty.id} · ${ticket.id} ${ticket.title}`, 'info').subject(`appeal:${appeal.id}`);
  b.field(t('label.appellant'), personName(org, appeal.appellantId, locale))
    .field(t('label.grade'), t(`grade.${penalty.grade}`))
    .field(t('label.reason'), appeal.reason, false)
    .field(t('label.clock'), `${t(`clockname.${penalty.clock}`)}: ${formatDuration(penalty.actualMs, locale)} / ${formatDuration(penalty.targetMs, locale)}`, false)
    .field(t('label.rule'), locale === 'zh-CN' ? (penalty.ruleTextZh ?? penalty.ruleText) : penalty.ruleText, false)
    .field(t('label.timeline'), timelineLines(ticket, org, locale, 12).join('\n'), false);
  if (appeal.status === 'open') {
    b.input('note', t('label.review_note'));
    b.button('review', t('button.uphold'), { appeal: appeal.id, decision: 'uphold' });
    b.button('review', t('button.reduce'), { appeal: appeal.id, decision: 'reduce' });
    b.button('review', t('button.revoke'), { appeal: appeal.id, decision: 'revoke' }, { style: 'danger' });
  } else {
    b.context(t('appeal.decided_context', { decision: t(`decision.${appeal.decision}`), note: appeal.note ?? '' }));
  }
  return b.build();
}
