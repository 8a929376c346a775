// The organisation seeded when no ORG_FILE is given, so Duban can be tried at
// once (from the console, or a chat platform after `/ticket admin link`).
// docs/org.example.yaml is the same organisation as a file; a test keeps the two equal.
import { parseOrgFile, type OrgFileInput } from './org.schema.js';
import { toOrgData, type OrgData } from './org.loader.js';

export const DEMO_ORG: OrgFileInput = {
  departments: [
    {
      id: 'support',
      name: 'Customer Service',
      nameZh: '客户服务部',
      lead: 'chen.jing',
      manager: 'li.qiang',
      onDuty: ['chen.jing', 'zhang.wei', 'sam.taylor'],
      // Front line: chat tickets arrive around the clock.
      calendar: '24x7',
    },
    {
      id: 'billing',
      name: 'Billing',
      nameZh: '账务部',
      lead: 'david.kim',
      manager: 'emma.clark',
      onDuty: ['david.kim', 'zhao.min'],
      calendar: 'cn-standard',
    },
    {
      id: 'tech',
      name: 'Technical Support',
      nameZh: '技术支持部',
      lead: 'raj.patel',
      // One manager covers billing and tech.
      manager: 'emma.clark',
      onDuty: ['raj.patel'],
      calendar: 'cn-standard',
    },
  ],
  people: [
    { id: 'wang.fang', name: '王芳', locale: 'zh-CN', roles: ['director'], email: 'wang.fang@example.com' },
    {
      id: 'li.qiang',
      name: '李强',
      locale: 'zh-CN',
      roles: ['manager'],
      department: 'support',
      supervisor: 'wang.fang',
      slack: 'U0DEMOLQ01',
      feishu: 'ou_demo_li_qiang',
      prefers: 'feishu',
    },
    { id: 'emma.clark', name: 'Emma Clark', roles: ['manager'], department: 'billing', supervisor: 'wang.fang', teams: '00000000-0000-4000-8000-00000000e3c1' },
    {
      id: 'chen.jing',
      name: '陈静',
      locale: 'zh-CN',
      roles: ['supervisor', 'agent'],
      department: 'support',
      supervisor: 'li.qiang',
      slack: 'U0DEMOCJ01',
      feishu: 'ou_demo_chen_jing',
    },
    { id: 'zhang.wei', name: '张伟', locale: 'zh-CN', roles: ['agent'], department: 'support', supervisor: 'chen.jing', feishu: 'ou_demo_zhang_wei' },
    { id: 'sam.taylor', name: 'Sam Taylor', roles: ['agent'], department: 'support', supervisor: 'chen.jing', slack: 'U0DEMOST01' },
    // Off duty: unclaimed tickets are not offered to them.
    { id: 'liu.yang', name: '刘洋', locale: 'zh-CN', roles: ['agent'], department: 'support', supervisor: 'chen.jing' },
    { id: 'david.kim', name: 'David Kim', roles: ['supervisor', 'agent'], department: 'billing', supervisor: 'emma.clark', teams: '00000000-0000-4000-8000-0000000d4b1c' },
    { id: 'zhao.min', name: '赵敏', locale: 'zh-CN', roles: ['agent'], department: 'billing', supervisor: 'david.kim' },
    { id: 'raj.patel', name: 'Raj Patel', roles: ['supervisor', 'agent'], department: 'tech', supervisor: 'emma.clark', slack: 'U0DEMORP01' },
    // The independent review group: no department and nobody reports to them.
    { id: 'zhou.hui', name: '周慧', locale: 'zh-CN', roles: ['reviewer'] },
    { id: 'grace.liu', name: 'Grace Liu', roles: ['reviewer'] },
    { id: 'alex.morgan', name: 'Alex Morgan', roles: ['admin'], email: 'it@example.com' },
  ],
  groups: {
    reviewers: ['zhou.hui', 'grace.liu'],
    emergency: ['wang.fang', 'li.qiang', 'emma.clark', 'raj.patel'],
  },
};

/** The demo organisation, validated exactly as an ORG_FILE is. */
export function demoOrgData(): OrgData {
  return toOrgData(parseOrgFile(DEMO_ORG));
}
