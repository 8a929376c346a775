// The organisation as the domain sees it: people, their roles and reporting
// line, departments with their leads and on-duty rota, and the two groups the
// policy names (independent reviewers, emergency responders).
import type { Locale, Platform, ConversationRef } from '../core/platform.js';

export const ROLES = ['agent', 'supervisor', 'manager', 'director', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface PlatformIdentity {
  platform: Platform;
  /** Slack user id, Teams AAD object id, Feishu open_id, or console person id. */
  userId: string;
  email?: string;
}

export interface Person {
  id: string;
  name: string;
  locale: Locale;
  roles: Role[];
  departmentId?: string;
  supervisorId?: string;
  identities: PlatformIdentity[];
  email?: string;
  /** The chat platform pings go to when the person is on several. */
  preferredPlatform?: Platform;
}

export interface Department {
  id: string;
  name: string;
  nameZh?: string;
  leadId?: string;
  managerId?: string;
  /** People currently on duty for the department's queue. */
  onDuty: string[];
  /** Where the department's ticket cards go, per platform. */
  homeConversations: ConversationRef[];
  /** Working calendar reference (e.g. `cn-shanghai-office`, `24x7`). */
  calendar: string;
}

/** Read-only view of the directory the domain and commands rely on. */
export interface OrgView {
  person(id: string): Person | undefined;
  department(id: string): Department | undefined;
  people(): Person[];
  /** People whose department is `departmentId` (without walking everyone; optional for test doubles). */
  members?(departmentId: string): Person[];
  departments(): Department[];
  /** Finds a department by id, English or Chinese name (case-insensitive). */
  findDepartment(nameOrId: string): Department | undefined;
  /** Finds a person by id, name, or platform identity. */
  findPerson(query: string): Person | undefined;
  personByIdentity(platform: Platform, userId: string): Person | undefined;
  /** Members of the independent review group. */
  reviewers(): Person[];
  /** Members of the emergency group (pinged at once for level 1–2 incidents). */
  emergencyGroup(): Person[];
  /** People with the director role (top of every escalation chain). */
  directors(): Person[];
}
