import { z } from 'zod';
import { CodedError } from '../../src/core/errors.js';
import { PLATFORMS, type Platform } from '../../src/core/platform.js';
import { defineCommand } from '../command-spec.js';
import { enumArg, personArg } from '../args.js';
import { say } from '../render/names.js';

/** `slack:U123`, a Slack-style `<@U123|name>` mention, or a bare id on the actor's own platform. */
function parsePlatformUser(raw: string, fallback: Platform): { platform: Platform; userId: string } {
  const mention = /^<@([A-Za-z0-9_.-]+)(?:\|[^>]*)?>$/.exec(raw);
  if (mention) return { platform: fallback, userId: mention[1] };
  const prefixed = /^(slack|teams|feishu|console):(.+)$/i.exec(raw);
  if (prefixed) return { platform: prefixed[1].toLowerCase() as Platform, userId: prefixed[2] };
  return { platform: fallback, userId: raw };
}

export const adminCommand = defineCommand({
  name: 'admin',
  aliases: ['管理'],
  usage: '/ticket admin link <platform:user> <person>',
  positional: ['op', 'user', 'person'],
  access: 'admin',
  schema: z.object({ op: enumArg(['link'] as const), user: personArg, person: personArg }),
  async run(ctx, args) {
    const target = ctx.services.org.findPerson(args.person);
    if (!target) throw new CodedError('org.unknown_person', { person: args.person });
    const { platform, userId } = parsePlatformUser(args.user, ctx.actor.platform);
    if (!PLATFORMS.includes(platform)) throw new CodedError('input.not_one_of', { field: 'platform', value: platform, allowed: PLATFORMS.join('|') });
    if (!ctx.services.linkIdentity) throw new CodedError('internal.error');
    await ctx.services.linkIdentity(target.id, platform, userId);
    return [{ text: say(ctx.locale, ctx.services.org, 'reply.linked', { platform, user: userId, person: target.id }) }];
  },
});
