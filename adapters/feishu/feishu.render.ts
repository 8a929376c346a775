// Neutral replies as Feishu messages. Cards use the classic message-card JSON
// (config / header / elements): message create, message patch and both card
// callback responses accept it. Every piece of text that may come from a
// person is sent as plain_text (never lark_md) and has its `<at …>`-style tags
// defused, so a title like `<at user_id="all"></at>` pings nobody.
import type { Card, CardButton, CardInput, CardSelect, Reply, Tone } from '../../src/core/card.js';
import type { Locale } from '../../src/core/platform.js';
import { VALUE_KEYS } from './feishu.parse.js';

const TEMPLATES: Record<Tone, string> = { danger: 'red', warning: 'orange', good: 'green', info: 'blue', neutral: 'grey' };

/** Card JSON as Feishu takes it (kept loose: it is data for the platform). */
export type FeishuCard = Record<string, unknown>;

export interface FeishuMessageBody {
  msg_type: 'text' | 'interactive';
  /** A JSON string, as the message APIs want it. */
  content: string;
}

/**
 * Defuses markup Feishu interprets in text: `<at user_id="all">` (pings
 * everyone), `<b>`, `</at>` and friends. The `<` of anything that looks like a
 * tag becomes a full-width `＜`, which reads the same and means nothing.
 */
export function neutralise(text: string): string {
  return text.replace(/<(?=\s*\/?\s*[a-z!?])/gi, '＜');
}

const plain = (content: string) => ({ tag: 'plain_text', content: neutralise(content) });

function buttonValue(actionId: string, values: Record<string, string>, subject?: string): Record<string, string> {
  return { ...values, ...(subject ? { [VALUE_KEYS.subject]: subject } : {}), [VALUE_KEYS.action]: actionId };
}

function button(b: CardButton, subject: string | undefined, formName?: string): FeishuCard {
  return {
    tag: 'button',
    text: plain(b.label),
    type: b.style ?? 'default',
    value: buttonValue(b.actionId, b.values, subject),
    ...(formName ? { name: formName, action_type: 'form_submit' } : {}),
    ...(b.confirm ? { confirm: { title: plain(b.label), text: plain(b.confirm) } } : {}),
  };
}

const option = (o: { label: string; value: string }) => ({ text: plain(o.label), value: o.value });

function select(s: CardSelect, subject: string | undefined): FeishuCard {
  return {
    tag: 'select_static',
    placeholder: plain(s.label),
    options: s.options.map(option),
    value: { ...buttonValue(s.actionId, s.values, subject), [VALUE_KEYS.field]: s.name },
  };
}

function input(i: CardInput): FeishuCard {
  if (i.options?.length) {
    // A choice: a dropdown inside the form; its label shows as the placeholder.
    return {
      tag: 'select_static',
      name: i.name,
      placeholder: plain(i.placeholder ? `${i.label}（${i.placeholder}）` : i.label),
      options: i.options.map(option),
      ...(i.initial && i.options.some((o) => o.value === i.initial) ? { initial_option: i.initial } : {}),
      ...(i.required ? { required: true } : {}),
    };
  }
  return {
    tag: 'input',
    name: i.name,
    label: plain(i.label),
    label_position: 'top',
    placeholder: plain(i.placeholder ?? i.label),
    ...(i.initial ? { default_value: neutralise(i.initial) } : {}),
    ...(i.multiline ? { input_type: 'multiline_text', rows: 3 } : {}),
    ...(i.required ? { required: true } : {}),
  };
}

/** The interactive part: a form when the card asks for input, otherwise one row of actions. */
function interactive(card: Card): FeishuCard[] {
  const buttons = card.elements.filter((e): e is CardButton => e.type === 'button');
  const selects = card.elements.filter((e): e is CardSelect => e.type === 'select');
  const inputs = card.elements.filter((e): e is CardInput => e.type === 'input');
  const out: FeishuCard[] = [];
  if (inputs.length) {
    // Every submit button sends all the form's values; each command keeps the ones it knows.
    // Feishu wants unique names inside a form, so a repeated input appears once.
    const named = new Set<string>();
    const elements = card.elements
      .filter((e): e is CardButton | CardInput => e.type === 'button' || (e.type === 'input' && !named.has(e.name) && !!named.add(e.name)))
      .map((e, i) => (e.type === 'input' ? input(e) : button(e, card.subject, `submit_${i}`)));
    out.push({ tag: 'form', name: 'duban_form', elements });
    if (selects.length) out.push({ tag: 'action', actions: selects.map((s) => select(s, card.subject)) });
  } else if (buttons.length || selects.length) {
    out.push({
      tag: 'action',
      actions: card.elements.map((e) => (e.type === 'button' ? button(e, card.subject) : select(e as CardSelect, card.subject))),
    });
  }
  return out;
}

/** A neutral card as a Feishu message card; `lead` is a line shown above the body (a reply's text). */
export function renderCard(card: Card, lead?: string): FeishuCard {
  const elements: FeishuCard[] = [];
  if (lead) elements.push({ tag: 'div', text: plain(lead) });
  if (card.body) elements.push({ tag: 'div', text: plain(card.body) });
  if (card.fields.length) {
    elements.push({
      tag: 'div',
      fields: card.fields.map((f) => ({ is_short: f.short !== false, text: plain(`${f.label}\n${f.value}`) })),
    });
  }
  const actions = interactive(card);
  if (actions.length) elements.push({ tag: 'hr' }, ...actions);
  if (card.context) elements.push({ tag: 'note', elements: [plain(card.context)] });
  return {
    // update_multi: one shared card for everyone, so a patch reaches every viewer.
    config: { wide_screen_mode: true, update_multi: true },
    header: { title: plain(card.title), template: TEMPLATES[card.tone] ?? 'grey' },
    elements,
  };
}

/** Plain text as a header-less card (private replies in groups can only be cards). */
export function textCard(text: string): FeishuCard {
  return { config: { wide_screen_mode: true, update_multi: true }, elements: [{ tag: 'div', text: plain(text) }] };
}

/** One reply as one message: a card (with the reply's text on top) or a text message. */
export function renderMessage(reply: Reply): FeishuMessageBody {
  if (reply.card) return { msg_type: 'interactive', content: JSON.stringify(renderCard(reply.card, reply.text)) };
  return { msg_type: 'text', content: JSON.stringify({ text: neutralise(reply.text ?? '') }) };
}

/** The card for a reply that must be a card (ephemeral messages, patches). */
export function cardFor(reply: Reply): FeishuCard {
  return reply.card ? renderCard(reply.card, reply.text) : textCard(reply.text ?? '');
}

export type ToastType = 'success' | 'error' | 'info' | 'warning';

export function toast(type: ToastType, text: string): { type: ToastType; content: string } {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return { type, content: neutralise(oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine) };
}

/** The adapter's own few sentences (everything else comes from the command's replies). */
const COPY: Record<Locale, Record<string, string>> = {
  'zh-CN': {
    unsupported: '我只能读文字消息。发送“/工单 帮助”查看可用命令。',
    quoted_unreadable: '读不到被引用的消息。请直接发送：/工单 新建 <标题>',
    working: '正在处理，稍后更新卡片。',
    stale_button: '这个按钮已失效。发送“/工单 查看 <编号>”获取最新卡片。',
    from_message: '来自飞书消息',
  },
  en: {
    unsupported: 'I can only read text messages. Send "/ticket help" to see the commands.',
    quoted_unreadable: 'I cannot read the quoted message. Send: /ticket open <title>',
    working: 'Working on it; the card will update shortly.',
    stale_button: 'This button no longer works. Send "/ticket show <id>" for a fresh card.',
    from_message: 'From a Feishu message',
  },
};

export function copy(locale: Locale, key: keyof (typeof COPY)['en']): string {
  return COPY[locale]?.[key] ?? COPY.en[key];
}
