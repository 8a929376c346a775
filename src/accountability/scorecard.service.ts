// The monthly scorecard run: every staff member's card for the month, and a
// summary for each manager that names the service stars as well as the
// people who need help.
import type { OrgView } from '../org/org.types.js';
import type { Notice } from '../notifications/notification.types.js';
import type { SlaPolicy } from '../sla/sla.policy.js';
import type { Ticket } from '../tickets/ticket.types.js';
import type { Penalty } from './penalty.types.js';
import { scorecardFor, serviceStars, type Scorecard } from './scorecard.js';

export interface ScorecardDeps {
  policy: SlaPolicy;
  org: OrgView;
  ticketsUpdatedBetween(from: Date, to: Date): Promise<Ticket[]>;
  penaltiesCreatedBetween(from: Date, to: Date): Promise<Penalty[]>;
  notices: { deliverTo(personIds: string[], notice: Omit<Notice, 'to'>): Promise<void> };
}

const NEEDS_HELP_BELOW = 60;

export class ScorecardService {
  constructor(private readonly deps: ScorecardDeps) {}

  async month(from: Date, to: Date): Promise<Scorecard[]> {
    const [tickets, penalties] = await Promise.all([this.deps.ticketsUpdatedBetween(from, to), this.deps.penaltiesCreatedBetween(from, to)]);
    const staff = this.deps.org.people().filter((p) => p.roles.some((r) => r === 'agent' || r === 'supervisor'));
    return staff.map((p) => scorecardFor(p.id, tickets, penalties, this.deps.policy));
  }

  /** Sends each manager and the director the month's summary; `label` is the month (`2026-10`). */
  async sendSummaries(from: Date, to: Date, label: string): Promise<Scorecard[]> {
    const cards = await this.month(from, to);
    const { org } = this.deps;
    const managers = org.people().filter((p) => p.roles.some((r) => r === 'manager' || r === 'director'));
    for (const manager of managers) {
      const depts = org.departments().filter((d) => d.managerId === manager.id).map((d) => d.id);
      const mine = manager.roles.includes('director') ? cards : cards.filter((c) => depts.includes(org.person(c.personId)?.departmentId ?? ''));
      if (!mine.length) continue;
      const stars = serviceStars(mine).map((c) => `${org.person(c.personId)?.name ?? c.personId} (${c.score})`);
      const help = mine
        .filter((c) => c.tickets > 0 && c.score < NEEDS_HELP_BELOW)
        .sort((a, b) => a.score - b.score)
        .map((c) => `${org.person(c.personId)?.name ?? c.personId} (${c.score})`);
      const average = Math.round((mine.reduce((s, c) => s + c.score, 0) / mine.length) * 10) / 10;
      await this.deps.notices.deliverTo([manager.id], {
        message: 'scorecard.summary',
        params: { month: label, people: mine.length, average, stars: stars.join(', ') || '—', help: help.join(', ') || '—' },
        dedupeKey: `scorecard:${label}:${manager.id}`,
      });
    }
    return cards;
  }
}
