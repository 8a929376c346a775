// An immutable, indexed snapshot of the organisation. Built from OrgData (a
// file, the demo, or the repository) and replaced whole when the org changes.
import type { Department, OrgView, Person, Role } from './org.types.js';
import { PLATFORMS, type Platform } from '../core/platform.js';
import type { OrgData } from './org.loader.js';

/** Case- and width-insensitive key for names (ＡＢＣ = abc, extra spaces ignored). */
export function nameKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

const identityKey = (platform: Platform, userId: string) => `${platform}\u0000${userId}`;

/**
 * Strips the chat markup a mention arrives in, returning either a platform user id
 * (`<@U123>`, `<@U123|name>`, `<at user_id="ou_x">…</at>`) or a plain text query.
 */
export function parseMention(query: string): { userId: string } | { text: string } {
  const q = query.trim();
  const slack = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/i.exec(q);
  if (slack) return { userId: slack[1] };
  const feishu = /^<at\s+(?:user_id|open_id|id)="([^"]+)"\s*>.*<\/at>$/i.exec(q);
  if (feishu) return { userId: feishu[1] };
  const teams = /^<at>(.*)<\/at>$/i.exec(q);
  if (teams) return { text: teams[1] };
  return { text: q };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export class Directory implements OrgView {
  private readonly peopleById = new Map<string, Person>();
  private readonly peopleByName = new Map<string, Person[]>();
  private readonly peopleByIdentity = new Map<string, Person>();
  private readonly peopleByDepartment = new Map<string, Person[]>();
  private readonly departmentsById = new Map<string, Department>();
  private readonly departmentsByName = new Map<string, Department>();
  private readonly data: OrgData;

  /** `version` is the repository's org version this snapshot was read at (0 when not stored). */
  constructor(
    data: OrgData,
    readonly version = 0,
  ) {
    // Frozen: callers share these objects, so a stray write must fail, not corrupt the snapshot.
    this.data = deepFreeze(structuredClone(data));
    for (const p of this.data.people) {
      this.peopleById.set(p.id, p);
      const key = nameKey(p.name);
      this.peopleByName.set(key, [...(this.peopleByName.get(key) ?? []), p]);
      for (const identity of p.identities) this.peopleByIdentity.set(identityKey(identity.platform, identity.userId), p);
      if (p.departmentId) {
        const list = this.peopleByDepartment.get(p.departmentId);
        if (list) list.push(p);
        else this.peopleByDepartment.set(p.departmentId, [p]);
      }
    }
    for (const d of this.data.departments) {
      this.departmentsById.set(d.id, d);
      for (const name of [d.name, d.nameZh]) {
        if (name !== undefined && !this.departmentsByName.has(nameKey(name))) this.departmentsByName.set(nameKey(name), d);
      }
    }
  }

  person(id: string): Person | undefined {
    return this.peopleById.get(id);
  }

  department(id: string): Department | undefined {
    return this.departmentsById.get(id);
  }

  people(): Person[] {
    return [...this.data.people];
  }

  departments(): Department[] {
    return [...this.data.departments];
  }

  findDepartment(nameOrId: string): Department | undefined {
    const q = nameOrId.trim().replace(/^#/, '');
    return this.departmentsById.get(q.toLowerCase()) ?? this.departmentsByName.get(nameKey(q));
  }

  /**
   * Accepts `id`, `@id`, an exact name (any case; Chinese names too), `@name`, or a
   * platform mention (`<@U123|name>`, Feishu `<at user_id=…>`, Teams `<at>Name</at>`).
   * A name two people share finds nobody: guessing would act on the wrong person.
   */
  findPerson(query: string): Person | undefined {
    const parsed = parseMention(query);
    if ('userId' in parsed) return this.personByAnyIdentity(parsed.userId);
    const text = parsed.text.replace(/^@/, '').trim();
    if (!text) return undefined;
    const byId = this.peopleById.get(text.toLowerCase());
    if (byId) return byId;
    const byName = this.peopleByName.get(nameKey(text));
    if (byName?.length === 1) return byName[0];
    if (byName) return undefined;
    return this.personByAnyIdentity(text);
  }

  personByIdentity(platform: Platform, userId: string): Person | undefined {
    return this.peopleByIdentity.get(identityKey(platform, userId));
  }

  reviewers(): Person[] {
    return this.resolve(this.data.reviewers);
  }

  emergencyGroup(): Person[] {
    return this.resolve(this.data.emergency);
  }

  directors(): Person[] {
    return this.withRole('director');
  }

  withRole(role: Role): Person[] {
    return this.data.people.filter((p) => p.roles.includes(role));
  }

  hasRole(personId: string, role: Role): boolean {
    return this.peopleById.get(personId)?.roles.includes(role) ?? false;
  }

  /** People whose department is `departmentId`. */
  members(departmentId: string): Person[] {
    return [...(this.peopleByDepartment.get(departmentId) ?? [])];
  }

  /** A copy of the data this snapshot was built from. */
  toData(): OrgData {
    return structuredClone(this.data);
  }

  private personByAnyIdentity(userId: string): Person | undefined {
    for (const platform of PLATFORMS) {
      const found = this.peopleByIdentity.get(identityKey(platform, userId));
      if (found) return found;
    }
    return undefined;
  }

  private resolve(ids: string[]): Person[] {
    return ids.map((id) => this.peopleById.get(id)).filter((p): p is Person => p !== undefined);
  }
}
