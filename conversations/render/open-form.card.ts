// The form for opening a ticket without typing flags: a Slack modal, a Teams
// or Feishu form card, or the console. Its submit button runs the same `open`
// command, so the inputs are checked by the command's own schema.
import { card, type Card } from '../../src/core/card.js';
import type { Locale } from '../../src/core/platform.js';
import { PRIORITIES, TICKET_TYPES, TIERS } from '../../src/tickets/ticket.types.js';
import { translate } from '../messages/index.js';

export function openFormCard(locale: Locale, prefill: { title?: string; description?: string } = {}): Card {
  const t = (code: string) => translate(locale, code);
  const choose = (values: readonly string[], prefix?: string) => values.map((value) => ({ value, label: prefix ? t(`${prefix}.${value}`) : value }));
  return card(t('form.open.heading'), 'info')
    .subject('form:open')
    .input('title', t('label.title'), { placeholder: t('form.open.title_hint'), required: true, ...(prefill.title ? { initial: prefill.title } : {}) })
    .input('type', t('label.type'), { options: choose(TICKET_TYPES, 'type'), placeholder: t('form.default') })
    .input('priority', t('label.priority'), { options: choose(PRIORITIES), placeholder: t('form.default') })
    .input('tier', t('label.tier'), { options: choose(TIERS, 'tier'), placeholder: t('form.default') })
    .input('customer', t('label.customer'), { placeholder: t('form.open.customer_hint') })
    .input('description', t('label.description'), { multiline: true, ...(prefill.description ? { initial: prefill.description } : {}) })
    .button('open', t('form.open.submit'), {}, { style: 'primary' })
    .build();
}
