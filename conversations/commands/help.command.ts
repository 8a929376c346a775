import { z } from 'zod';
import { card } from '../../src/core/card.js';
import { defineCommand, type CommandSpec } from '../command-spec.js';
import { translate } from '../messages/index.js';

/** Built with the registry so it can describe every command (including itself). */
export function helpCommand(all: () => CommandSpec[]) {
  return defineCommand({
    name: 'help',
    aliases: ['帮助', '?'],
    usage: '/ticket help [command]',
    positional: ['topic'],
    access: 'anyone',
    schema: z.object({ topic: z.string().trim().min(1).optional() }),
    async run(ctx, args) {
      const specs = all();
      const topic = args.topic?.toLowerCase();
      const shown = topic ? specs.filter((s) => s.name === topic || s.aliases.includes(topic)) : specs;
      const b = card(translate(ctx.locale, 'help.title'), 'info');
      for (const spec of shown.length ? shown : specs) {
        const alias = spec.aliases.find((a) => /[\u4e00-\u9fff]/.test(a));
        b.field(`${spec.usage}${alias ? `  (${alias})` : ''}`, translate(ctx.locale, `help.${spec.name}`), false);
      }
      b.context(translate(ctx.locale, ctx.person ? 'help.footer' : 'help.footer_unlinked'));
      return [{ card: b.build() }];
    },
  });
}
