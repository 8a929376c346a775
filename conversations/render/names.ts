// Shows ids as names in messages: people by name, departments in the reader's
// language, states and actions as words.
import type { Locale } from '../../src/core/platform.js';
import type { OrgView } from '../../src/org/org.types.js';
import { translate, type Params } from '../messages/index.js';
import { formatDuration } from '../../src/sla/duration.js';

const PERSON_PARAMS = ['by', 'owner', 'person', 'to', 'assignee', 'previousOwner', 'heldBy', 'reviewer', 'jointWith'];
const DEPARTMENT_PARAMS = ['department', 'from'];

export function personName(org: OrgView, id: string | undefined, locale: Locale = 'en'): string {
  if (!id) return '';
  if (id === 'system') return translate(locale, 'actor.system');
  return org.person(id)?.name ?? id;
}

export function departmentName(org: OrgView, id: string | undefined, locale: Locale): string {
  if (!id) return '';
  const d = org.department(id);
  if (!d) return id;
  return locale === 'zh-CN' && d.nameZh ? d.nameZh : d.name;
}

export function formatTime(at: Date | string | undefined): string {
  if (!at) return '';
  return new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** Message parameters with ids replaced by what a reader understands. */
export function readableParams(params: Params, org: OrgView, locale: Locale): Params {
  const out: Params = { ...params };
  // Texts stored in both languages carry the Chinese one as `<key>_zh`.
  for (const k of Object.keys(out)) {
    if (!k.endsWith('_zh')) continue;
    if (locale === 'zh-CN') out[k.slice(0, -3)] = out[k];
    delete out[k];
  }
  for (const k of PERSON_PARAMS) if (typeof out[k] === 'string') out[k] = personName(org, out[k] as string, locale);
  if (typeof out.reason === 'string' && out.reason.startsWith('sla:')) {
    out.reason = translate(locale, 'reason.sla', { clock: translate(locale, `clockname.${out.reason.slice(4)}`) });
  }
  if (typeof out.known === 'string') {
    out.known = out.known
      .split(', ')
      .map((id) => (org.department(id) ? departmentName(org, id, locale) : id))
      .join(', ');
  }
  if (typeof out.field === 'string') {
    const label = translate(locale, `field.${out.field}`);
    if (label !== `field.${out.field}`) out.field = label;
  }
  if (typeof out.grade === 'string') out.grade = translate(locale, `grade.${out.grade}`);
  if (typeof out.decision === 'string') out.decision = translate(locale, `decision.${out.decision}`);
  if (typeof out.warning === 'string') {
    const parts = [translate(locale, `warning.${out.warning}`)];
    if (Number(out.points)) parts.push(translate(locale, 'consequence.points', { points: out.points }));
    if (out.hr === 'yes') parts.push(translate(locale, 'consequence.hr'));
    out.consequence = parts.join(locale === 'zh-CN' ? '，' : ', ');
  }
  if (typeof out.clock === 'string') out.clock = translate(locale, `clockname.${out.clock}`);
  for (const k of ['left', 'over', 'used', 'target']) if (typeof out[k] === 'number') out[k] = formatDuration(out[k] as number, locale);
  for (const k of DEPARTMENT_PARAMS) if (typeof out[k] === 'string') out[k] = departmentName(org, out[k] as string, locale);
  if (typeof out.state === 'string') out.state = translate(locale, `state.${out.state}`);
  if (typeof out.action === 'string') out.action = translate(locale, `action.${out.action}`);
  if (typeof out.level === 'string') out.level = translate(locale, `level.${out.level}`);
  return out;
}

export function say(locale: Locale, org: OrgView, code: string, params: Params = {}): string {
  return translate(locale, code, readableParams(params, org, locale));
}
