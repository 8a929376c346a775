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

// `link <platform:user> <person>` or `home <department>`; the second and third words mean
// different things per operation, so they are checked once the operation is known.
export const adminCommand = defineCommand({
  name: 'admin',
  aliases: ['管理'],
  usage: '/ticket admin link <platform:user> <person>  ·  /ticket admin home <department> (in the channel that becomes its home)',
  positional: ['op', 'first', 'second'],
  access: 'admin',
  schema: z.object({ op: enumArg(['link', 'home'] as const), first: personArg, second: personArg.optional() }),
  async run(ctx, args) {
    const { org } = ctx.services;
    if (args.op === 'home') {
      if (args.second) throw new CodedError('input.unexpected', { words: args.second });
      const dept = org.findDepartment(args.first);
      if (!dept) {
        const known = org.departments().map((d) => d.id).join(', ');
        throw new CodedError('org.unknown_department', { department: args.first, known });
      }
      const where = ctx.conversation;
      if (!where || where.platform === 'console') throw new CodedError('admin.home_needs_chat');
      if (!ctx.services.setDepartmentHome) throw new CodedError('internal.error');
      await ctx.services.setDepartmentHome(dept.id, { platform: where.platform, conversationId: where.conversationId, ...(where.extras ? { extras: where.extras } : {}) });
      return [{ text: say(ctx.locale, org, 'reply.home_set', { department: dept.id, platform: where.platform }) }];
    }
    if (!args.second) throw new CodedError('input.missing', { field: 'person' });
    const target = org.findPerson(args.second);
    if (!target) throw new CodedError('org.unknown_person', { person: args.second });
    const { platform, userId } = parsePlatformUser(args.first, ctx.actor.platform);
    if (!PLATFORMS.includes(platform)) throw new CodedError('input.not_one_of', { field: 'platform', value: platform, allowed: PLATFORMS.join('|') });
    if (!ctx.services.linkIdentity) throw new CodedError('internal.error');
    await ctx.services.linkIdentity(target.id, platform, userId);
    return [{ text: say(ctx.locale, org, 'reply.linked', { platform, user: userId, person: target.id }) }];
  },
});
