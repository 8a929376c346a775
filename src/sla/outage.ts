// Declared system outages (POLICY.md §2): while one is open every clock is
// paused, because time lost to a broken system is not the staff's fault.
export interface Outage {
  id: string;
  startedAt: Date;
  startedBy: string;
  note?: string;
  endedAt?: Date;
  endedBy?: string;
}

export interface OutageLog {
  /** The open outage, if any (cached; refreshed on every change). */
  active(): Outage | undefined;
  /** Opens an outage; returns undefined when one is already open. */
  start(by: string, note: string | undefined, at: Date): Promise<Outage | undefined>;
  /** Closes the open outage; returns undefined when none is open. */
  end(by: string, at: Date): Promise<Outage | undefined>;
  /** Outages overlapping a period (evidence for penalties and appeals). */
  between(from: Date, to: Date): Promise<Outage[]>;
}
