// Paces sends per destination (a channel, a DM) and per app, to the limits
// each platform documents, and holds a destination back after a 429 for as
// long as the platform asked. Slots are reserved, so concurrent senders queue
// up instead of bursting.
export interface PaceRule {
  key: string;
  perSecond: number;
}

/**
 * Where the pace is kept: in this process (one instance), or in the database so that
 * several instances share one limit per destination (see storage/pace.repository.ts).
 */
export interface PaceKeeper {
  /** Reserves the next slot free under every rule; resolves to how long to wait for it (ms). */
  reserve(rules: PaceRule[], nowMs: number): Promise<number>;
  /** Nothing goes to `key` before `untilMs` (the platform's Retry-After). */
  block(key: string, untilMs: number): Promise<void>;
}

/** The pace of one process. */
export class LocalPaceKeeper implements PaceKeeper {
  private readonly pacer = new Pacer();
  async reserve(rules: PaceRule[], nowMs: number): Promise<number> {
    return this.pacer.reserve(rules, nowMs);
  }
  async block(key: string, untilMs: number): Promise<void> {
    this.pacer.block(key, untilMs);
  }
}

export class Pacer {
  private readonly nextFree = new Map<string, number>();

  /** Reserves the next slot free under every rule; returns how long to wait for it (ms). */
  reserve(rules: PaceRule[], nowMs: number): number {
    let slot = nowMs;
    for (const rule of rules) slot = Math.max(slot, this.nextFree.get(rule.key) ?? 0);
    for (const rule of rules) this.nextFree.set(rule.key, slot + 1000 / rule.perSecond);
    this.forgetOld(nowMs);
    return slot - nowMs;
  }

  /** Nothing goes to `key` before `untilMs` (the platform's Retry-After). */
  block(key: string, untilMs: number): void {
    this.nextFree.set(key, Math.max(this.nextFree.get(key) ?? 0, untilMs));
  }

  /** When `key` is free again (ms since epoch), 0 when it already is. */
  freeAt(key: string): number {
    return this.nextFree.get(key) ?? 0;
  }

  private forgetOld(nowMs: number): void {
    // Keeps the map small when the bot talks to many conversations.
    if (this.nextFree.size < 10_000) return;
    for (const [key, at] of this.nextFree) if (at < nowMs) this.nextFree.delete(key);
  }
}
