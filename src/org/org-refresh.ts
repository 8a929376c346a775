// Keeps the in-memory directory in step with the database when several bot
// instances share it: an admin link or a new home channel made on one
// instance bumps the stored org version, and every other instance reloads.
import type { OrgView } from './org.types.js';

export interface VersionedOrgSource {
  version(): Promise<number>;
  load(): Promise<OrgView & { readonly version: number }>;
}

export interface OrgRefreshLogger {
  warn(obj: object, msg: string): void;
}

export class OrgRefresher {
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;

  constructor(
    private readonly deps: { source: VersionedOrgSource; replace(next: OrgView): void; logger: OrgRefreshLogger; intervalMs?: number },
    private loadedVersion: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.deps.intervalMs ?? 5_000);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checking;
  }

  /** A change made here already replaced the directory; recording its version avoids a second load. */
  loaded(version: number): void {
    this.loadedVersion = Math.max(this.loadedVersion, version);
  }

  check(): Promise<void> {
    this.checking ??= this.reloadIfChanged()
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'could not check the organisation for changes'))
      .finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async reloadIfChanged(): Promise<void> {
    if ((await this.deps.source.version()) === this.loadedVersion) return;
    const next = await this.deps.source.load();
    this.deps.replace(next);
    this.loadedVersion = next.version;
  }
}
