// The organisation view the running bot uses: a stable object whose snapshot
// is swapped whole when the directory changes (an admin link, a reload).
import type { Platform } from '../core/platform.js';
import type { Department, OrgView, Person } from './org.types.js';

export class LiveOrg implements OrgView {
  constructor(private current: OrgView) {}

  replace(next: OrgView): void {
    this.current = next;
  }

  person(id: string): Person | undefined {
    return this.current.person(id);
  }
  department(id: string): Department | undefined {
    return this.current.department(id);
  }
  people(): Person[] {
    return this.current.people();
  }
  members(departmentId: string): Person[] {
    return this.current.members?.(departmentId) ?? this.current.people().filter((p) => p.departmentId === departmentId);
  }
  departments(): Department[] {
    return this.current.departments();
  }
  findDepartment(nameOrId: string): Department | undefined {
    return this.current.findDepartment(nameOrId);
  }
  findPerson(query: string): Person | undefined {
    return this.current.findPerson(query);
  }
  personByIdentity(platform: Platform, userId: string): Person | undefined {
    return this.current.personByIdentity(platform, userId);
  }
  reviewers(): Person[] {
    return this.current.reviewers();
  }
  emergencyGroup(): Person[] {
    return this.current.emergencyGroup();
  }
  directors(): Person[] {
    return this.current.directors();
  }
}
