// Every job Duban runs, with a schema for its data: a job whose data does not
// parse is logged and dropped instead of crashing the worker.
import { z } from 'zod';

export const JOB_NAMES = {
  clockMilestone: 'clock.milestone',
  clockSweep: 'clock.sweep',
  appealFollowUp: 'appeal.follow-up',
  scorecardMonthly: 'scorecard.monthly',
  penaltyRegrade: 'penalty.regrade',
  weeklyDigest: 'digest.weekly',
  recordsRetention: 'records.retention',
} as const;

export const penaltyRegradeData = z.object({ ticketId: z.string().min(1), at: z.string().min(1) });

export const appealFollowUpData = z.object({
  appealId: z.string().min(1),
  kind: z.enum(['remind', 'escalate']),
});

export const clockMilestoneData = z.object({
  ticketId: z.string().min(1),
  clock: z.string().min(1),
  seq: z.number().int().min(0),
  /** `ticketId:clock:seq`: the job's unique key, so scheduling twice saves one job. */
  key: z.string().min(1),
  /** The milestone's moment (ISO), so its lateness can be measured when the job starts. */
  at: z.string().optional(),
});
export type ClockMilestoneData = z.infer<typeof clockMilestoneData>;

export const clockSweepData = z.object({}).passthrough().optional();
