// The directory written back as an ORG_FILE (the inverse of toOrgData), so an
// admin can export what is live — identities linked at runtime included —
// edit it, and import it again.
import { stringify } from 'yaml';
import type { OrgData } from './org.loader.js';
import type { OrgFileInput } from './org.schema.js';

export function toOrgFile(data: OrgData): OrgFileInput {
  const idOn = (identities: OrgData['people'][number]['identities'], platform: 'slack' | 'teams' | 'feishu') => identities.find((i) => i.platform === platform)?.userId;
  const homeOn = (d: OrgData['departments'][number], platform: 'slack' | 'teams' | 'feishu') => d.homeConversations.find((h) => h.platform === platform)?.conversationId;
  return {
    departments: data.departments.map((d) => {
      const home = { slack: homeOn(d, 'slack'), teams: homeOn(d, 'teams'), feishu: homeOn(d, 'feishu') };
      const hasHome = Object.values(home).some(Boolean);
      return {
        id: d.id,
        name: d.name,
        ...(d.nameZh ? { nameZh: d.nameZh } : {}),
        ...(d.leadId ? { lead: d.leadId } : {}),
        ...(d.managerId ? { manager: d.managerId } : {}),
        onDuty: [...d.onDuty],
        ...(hasHome ? { home: Object.fromEntries(Object.entries(home).filter(([, v]) => v)) } : {}),
        calendar: d.calendar,
      };
    }),
    people: data.people.map((p) => ({
      id: p.id,
      name: p.name,
      locale: p.locale,
      roles: [...p.roles],
      ...(p.departmentId ? { department: p.departmentId } : {}),
      ...(p.supervisorId ? { supervisor: p.supervisorId } : {}),
      ...(p.email ? { email: p.email } : {}),
      ...(idOn(p.identities, 'slack') ? { slack: idOn(p.identities, 'slack') } : {}),
      ...(idOn(p.identities, 'teams') ? { teams: idOn(p.identities, 'teams') } : {}),
      ...(idOn(p.identities, 'feishu') ? { feishu: idOn(p.identities, 'feishu') } : {}),
      ...(p.preferredPlatform && p.preferredPlatform !== 'console' ? { prefers: p.preferredPlatform } : {}),
    })),
    groups: { reviewers: [...data.reviewers], emergency: [...data.emergency] },
  };
}

export function orgFileYaml(data: OrgData): string {
  return `# Duban organisation (ORG_FILE format, see docs/org.example.yaml)\n${stringify(toOrgFile(data), { lineWidth: 0 })}`;
}
