// A ticket's clocks as a reader sees them right now: how much is left, or how
// far over, per clock. Pure.
import type { Ticket } from '../tickets/ticket.types.js';
import { usedAt } from './clock.js';
import type { ClockKeeper } from './clock-keeper.js';

export interface ClockView {
  name: string;
  status: 'running' | 'overdue' | 'paused' | 'stopped' | 'late';
  usedMs: number;
  targetMs: number;
  leftMs: number;
  overMs: number;
  rule: string;
}

export function viewClocks(ticket: Ticket, keeper: ClockKeeper, now: Date): ClockView[] {
  return (ticket.clocks ?? []).map((clock) => {
    const used = usedAt(clock, now, keeper.calendarById(clock.calendarId));
    const over = Math.max(0, used - clock.targetMs);
    const status: ClockView['status'] =
      clock.status === 'stopped' ? (over > 0 ? 'late' : 'stopped') : clock.status === 'paused' ? 'paused' : over > 0 ? 'overdue' : 'running';
    return { name: clock.name, status, usedMs: used, targetMs: clock.targetMs, leftMs: Math.max(0, clock.targetMs - used), overMs: over, rule: clock.targetText };
  });
}
