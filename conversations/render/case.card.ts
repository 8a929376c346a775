// Cards of the case library: similar solved cases (on open and for
// `/ticket similar`) and the monthly share of resolved tickets that became
// cases. Neutral cards: adapters escape the text.
import { card, type Card } from '../../src/core/card.js';
import type { Locale } from '../../src/core/platform.js';
import type { CaseHit } from '../../src/cases/case.index.js';
import { CASE_SHARE_TARGET, type MonthShare } from '../../src/cases/case.library.js';
import { translate } from '../messages/index.js';
import { formatTime } from './names.js';

const MAX_RESOLUTION = 300;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const percent = (n: number) => `${Math.round(n * 100)} %`;

/** Up to a few solved cases, each with how it was solved and a button to its ticket. */
export function similarCasesCard(hits: CaseHit[], locale: Locale, heading: 'similar.title' | 'similar.suggest_title' = 'similar.title'): Card {
  const t = (code: string, params = {}) => translate(locale, code, params);
  const b = card(t(heading), 'info');
  for (const { record } of hits) {
    const star = record.standing === 'typical' ? `★ ${t('similar.typical')} · ` : '';
    const about = [record.customer, t('similar.resolved_at', { at: formatTime(record.resolvedAt) })].filter(Boolean).join(' · ');
    b.field(`${star}${record.id} · ${record.title}`, `${clip(record.resolution, MAX_RESOLUTION)}\n${about}`, false);
  }
  for (const { record } of hits.slice(0, 3)) b.button('show', `${t('button.show')} ${record.id}`, { id: record.id });
  return b.build();
}

export function caseStatsCard(months: MonthShare[], locale: Locale): Card {
  const t = (code: string, params = {}) => translate(locale, code, params);
  const b = card(t('stats.title'), 'info');
  for (const m of months) {
    const value =
      m.share === undefined
        ? t('stats.row_empty')
        : t('stats.row', { cases: m.cases, resolved: m.resolved, share: percent(m.share), mark: m.share >= CASE_SHARE_TARGET ? '✓' : '✗' });
    b.field(m.month, value);
  }
  b.context(t('stats.context', { target: percent(CASE_SHARE_TARGET) }));
  return b.build();
}
