import { z } from 'zod';
import { CodedError } from '../../src/core/errors.js';
import { defineCommand, requirePerson, type CommandServices } from '../command-spec.js';
import { translate } from '../messages/index.js';

/** Issues one-time sign-in links to the web dashboard (implemented next to the dashboard's routes). */
export interface DashboardLinks {
  issueLink(personId: string): Promise<{ url: string; expiresAt: Date }>;
}

/** The command services plus the dashboard's link issuer, which only this command uses. */
export type DashboardCommandServices = CommandServices & { dashboardLinks?: DashboardLinks };

// The link signs its holder in as the asker, so it goes only where nobody else can read it:
// a reply visible to one person. A platform that cannot whisper in a group conversation
// marks the conversation's type (Teams: only 'personal' chats are one-to-one); there the
// asker is sent to a direct chat instead.
export const dashboardCommand = defineCommand({
  name: 'dashboard',
  aliases: ['看板', '仪表盘', '报表'],
  usage: '/ticket dashboard',
  positional: [],
  access: 'linked',
  schema: z.object({}),
  async run(ctx) {
    const person = requirePerson(ctx);
    const links = (ctx.services as DashboardCommandServices).dashboardLinks;
    if (!links) throw new CodedError('dashboard.unavailable');
    const type = ctx.conversation?.extras?.conversationType;
    if (type && type !== 'personal') throw new CodedError('dashboard.direct_only');
    const { url, expiresAt } = await links.issueLink(person.id);
    const minutes = Math.round((expiresAt.getTime() - ctx.services.clock.now().getTime()) / 60_000);
    return [{ text: translate(ctx.locale, 'reply.dashboard_link', { url, minutes }), private: true }];
  },
});
