// The weekly digest for managers (POLICY.md §8): what is overdue in their
// departments right now, grouped by owner; the share of clocks met in the last
// seven days against the seven before; and the appeals still open. Delivered
// through the notification sink with one dedupe key per manager and ISO week,
// so a rerun of the job in the same week sends nothing twice.
import type { Locale } from '../core/platform.js';
import type { OrgView, Person } from '../org/org.types.js';
import type { Notice } from '../notifications/notification.types.js';
import type { MongoReportRepository } from '../storage/report.repository.js';
import { DAY, isoWeek } from './report.range.js';
import { departmentsOf, mayReadPenalty, type Viewer } from './report.scope.js';
import type { ReportService } from './report.service.js';

const MAX_ITEMS = 15;

const WORDS: Record<Locale, { unclaimed: string; none: string; lastWeek: string; noData: string; more: string; sep: string; days: string }> = {
  en: { unclaimed: 'unclaimed', none: 'none', lastWeek: 'last week', noData: 'no clocks finished', more: '+{n} more', sep: '; ', days: '{n} d' },
  'zh-CN': { unclaimed: '未认领', none: '无', lastWeek: '上周', noData: '无已结束的时钟', more: '另有 {n} 项', sep: '；', days: '{n} 天' },
};

export interface DigestDeps {
  reports: ReportService;
  repository: MongoReportRepository;
  org: OrgView;
  notices: { deliverTo(personIds: string[], notice: Omit<Notice, 'to'>): Promise<void> };
}

export interface DigestResult {
  week: string;
  managers: string[];
}

function capped(items: string[], words: (typeof WORDS)[Locale]): string {
  if (!items.length) return words.none;
  const shown = items.slice(0, MAX_ITEMS);
  if (items.length > MAX_ITEMS) shown.push(words.more.replace('{n}', String(items.length - MAX_ITEMS)));
  return shown.join(words.sep);
}

export class DigestService {
  constructor(private readonly deps: DigestDeps) {}

  /** Managers and directors; a director's digest covers every department. */
  recipients(): Person[] {
    return this.deps.org.people().filter((p) => p.roles.includes('manager') || p.roles.includes('director'));
  }

  async sendWeekly(now: Date): Promise<DigestResult> {
    const week = isoWeek(now);
    const sent: string[] = [];
    const openAppeals = await this.deps.repository.openAppeals();
    const penalties = new Map((await this.deps.repository.penaltiesByIds(openAppeals.map((a) => a.penaltyId))).map((p) => [p.id, p]));
    for (const manager of this.recipients()) {
      const all = manager.roles.includes('director');
      const departments = all ? this.deps.org.departments().map((d) => d.id) : departmentsOf(manager, this.deps.org);
      if (!departments.length) continue;
      const viewer: Viewer = { kind: 'person', person: manager };
      const words = WORDS[manager.locale] ?? WORDS.en;
      const name = (id: string) => this.deps.org.person(id)?.name ?? id;
      const deptName = (id: string) => {
        const d = this.deps.org.department(id);
        return (manager.locale === 'zh-CN' && d?.nameZh) || d?.name || id;
      };

      const overdue = await this.deps.reports.overdue(viewer, departments);
      const byOwner = new Map<string, string[]>();
      for (const dept of overdue.departments) for (const o of dept.owners) byOwner.set(o.ownerId ?? '', [...(byOwner.get(o.ownerId ?? '') ?? []), ...o.tickets.map((t) => t.id)]);
      const overdueText = capped([...byOwner].map(([owner, ids]) => `${owner ? name(owner) : words.unclaimed}: ${ids.join(', ')}`), words);

      const thisWeek = await this.deps.reports.compliance(viewer, { from: new Date(now.getTime() - 7 * DAY), to: now }, departments);
      const lastWeek = await this.deps.reports.compliance(viewer, { from: new Date(now.getTime() - 14 * DAY), to: new Date(now.getTime() - 7 * DAY) }, departments);
      const compliance = departments.map((id) => {
        const cur = thisWeek.departments.find((d) => d.departmentId === id)?.share ?? null;
        const prev = lastWeek.departments.find((d) => d.departmentId === id)?.share ?? null;
        const change = cur !== null && prev !== null ? ` ${cur >= prev ? '↑' : '↓'}${Math.abs(Math.round((cur - prev) * 10) / 10)}` : '';
        return `${deptName(id)} ${cur === null ? words.noData : `${cur}%`} (${words.lastWeek} ${prev === null ? '—' : `${prev}%`}${change})`;
      });

      const appeals = openAppeals.filter((a) => {
        const p = penalties.get(a.penaltyId);
        return !!p && departments.includes(p.departmentId) && mayReadPenalty(viewer, p, this.deps.org);
      });
      const appealText = capped(
        appeals.map((a) => `${a.id} (${a.penaltyId}, ${name(a.appellantId)}, ${words.days.replace('{n}', String(Math.floor((now.getTime() - new Date(a.createdAt).getTime()) / DAY)))})`),
        words,
      );

      await this.deps.notices.deliverTo([manager.id], {
        message: 'digest.weekly',
        params: { week, overdueCount: overdue.total, overdue: overdueText, compliance: compliance.join(words.sep), appealCount: appeals.length, appeals: appealText },
        // The sink makes the key per person: one digest per manager per ISO week.
        dedupeKey: `digest:${week}`,
      });
      sent.push(manager.id);
    }
    return { week, managers: sent };
  }
}
