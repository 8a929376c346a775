// The Home tab: published when a person opens it (and again after they click
// something there). Linked people see their cards from `homeFor` — open
// tickets with clocks, their department's unclaimed queue, their penalties;
// people not linked yet are told how to get linked.
import type { Locale } from '../../src/core/platform.js';
import { translate } from '../../conversations/messages/index.js';
import { renderHome } from './slack.render.js';
import type { SlackRuntime } from './slack.runtime.js';

const LINK_HINT: Record<Locale, string> = {
  en: 'An admin links you with `/ticket admin link <@{user}> <person id>`. Until then you can open tickets with `/ticket open` and ask `/ticket help`.',
  'zh-CN': '管理员可用 `/ticket admin link <@{user}> <人员编号>` 为你关联账号。在此之前你可以用 `/ticket open` 新建工单，用 `/ticket help` 查看帮助。',
};

export function unlinkedHomeText(locale: Locale, userId: string): string {
  return `${translate(locale, 'auth.not_linked')}\n\n${(LINK_HINT[locale] ?? LINK_HINT.en).replace('{user}', userId)}`;
}

export async function publishHome(rt: Omit<SlackRuntime, 'refreshHome'>, userId: string): Promise<void> {
  try {
    const actor = await rt.identities.actor(userId);
    let view: ReturnType<typeof renderHome>;
    if (!actor.personId) view = renderHome([], unlinkedHomeText(actor.locale, userId));
    else if (!rt.context.homeFor) view = renderHome([], translate(actor.locale, 'help.footer'));
    else view = renderHome(await rt.context.homeFor(actor.personId));
    await rt.web.views.publish({ user_id: userId, view: view as never });
  } catch (err) {
    rt.logger.warn({ err: (err as Error).message, userId }, 'slack Home tab could not be published');
  }
}
