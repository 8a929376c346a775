// Exporting the directory writes a valid ORG_FILE that reads back as the same
// organisation (what `npm run org -- export` then `import` relies on).
import { describe, it, expect } from '@jest/globals';
import { demoOrgData } from '../../../src/org/demo-org.js';
import { parseOrgYaml } from '../../../src/org/org.loader.js';
import { orgFileYaml } from '../../../src/org/org.export.js';

describe('orgFileYaml', () => {
  it('round-trips the demo organisation', () => {
    const data = demoOrgData();
    expect(parseOrgYaml(orgFileYaml(data), 'export.yaml')).toEqual(data);
  });

  it('keeps identities linked at runtime and department homes', () => {
    const data = demoOrgData();
    const liu = data.people.find((p) => p.id === 'liu.yang')!;
    liu.identities.unshift({ platform: 'slack', userId: 'U0LIUYANG' });
    data.departments[0].homeConversations.push({ platform: 'feishu', conversationId: 'oc_support_home' });
    const text = orgFileYaml(data);
    expect(text).toContain('slack: U0LIUYANG');
    const back = parseOrgYaml(text, 'export.yaml');
    expect(back.people.find((p) => p.id === 'liu.yang')!.identities).toEqual(expect.arrayContaining([{ platform: 'slack', userId: 'U0LIUYANG' }]));
    expect(back.departments[0].homeConversations).toEqual([{ platform: 'feishu', conversationId: 'oc_support_home' }]);
  });
});
