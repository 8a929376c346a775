// Neutral replies and cards → Slack Block Kit (messages, the Home tab, the
// open-ticket modal). Card text is plain text by contract, so it goes into
// `plain_text` objects, where Slack applies no markup and resolves no
// mentions; reply texts are our message templates, shown as mrkdwn. Either
// way `&`, `<` and `>` are escaped, so `<!channel>` typed into a title can
// never ping anyone. Everything is clipped to Block Kit's limits.
import type { Card, CardButton, CardInput, CardSelect, Reply, Tone } from '../../src/core/card.js';
import type { Locale } from '../../src/core/platform.js';

export type Block = { type: string; block_id?: string; [key: string]: unknown };

export interface SlackMessage {
  /** Notification and accessibility fallback (always present). */
  text: string;
  blocks: Block[];
}

/** The Block Kit limits we render within. */
export const LIMITS = {
  text: 3000,
  header: 150,
  fieldsPerSection: 10,
  field: 2000,
  messageBlocks: 50,
  viewBlocks: 100,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  options: 100,
  optionText: 75,
  optionValue: 150,
  placeholder: 150,
  label: 2000,
  modalTitle: 24,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  blockId: 255,
  initialValue: 3000,
  privateMetadata: 3000,
} as const;

export const OPEN_MODAL_CALLBACK_ID = 'ticket_open';
/** Block ids carry what the parser needs back: the card's subject and the inputs' names. */
export const SUBJECT_BLOCK_PREFIX = 'card:';
export const INPUT_BLOCK_PREFIX = 'input:';

const TONE_MARK: Record<Tone, string> = { neutral: '⚪', info: '🔵', good: '🟢', warning: '🟠', danger: '🔴' };

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes, then clips to `max` characters with an ellipsis; never cuts an entity or a surrogate pair. */
export function fit(raw: string, max: number): string {
  const escaped = escapeSlack(raw);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const ch of raw) {
    const e = escapeSlack(ch);
    if (out.length + e.length > max - 1) break;
    out += e;
  }
  return `${out}…`;
}

/** Clips raw text (for values Slack shows verbatim, such as an input's initial value). */
function clip(raw: string, max: number): string {
  if (raw.length <= max) return raw;
  return `${Array.from(raw.slice(0, max - 1)).join('').replace(/[\ud800-\udbff]$/, '')}…`;
}

function plain(raw: string, max: number) {
  const text = raw.trim() === '' ? '-' : raw;
  return { type: 'plain_text', text: fit(text, max), emoji: true };
}

const looksChinese = (text: string) => /[\u4e00-\u9fff]/.test(text);

function buttonElement(button: CardButton, actionId: string): Block | undefined {
  const value = JSON.stringify(button.values);
  // A value Slack would truncate could not be parsed back; leave such a button out.
  if (value.length > LIMITS.buttonValue) return undefined;
  const element: Block = { type: 'button', action_id: actionId, text: plain(button.label, LIMITS.buttonText), value };
  if (button.style) element.style = button.style;
  if (button.confirm) {
    element.confirm = {
      title: plain(button.label, LIMITS.confirmTitle),
      text: plain(button.confirm, LIMITS.confirmText),
      confirm: plain(button.label, LIMITS.confirmButton),
      deny: plain(looksChinese(button.confirm) ? '取消' : 'Cancel', LIMITS.confirmButton),
    };
  }
  return element;
}

function selectElement(select: CardSelect, actionId: string): Block | undefined {
  // Each option carries the select's values plus the chosen one under the select's name.
  const options = select.options
    .map((o) => ({ text: plain(o.label, LIMITS.optionText), value: JSON.stringify({ ...select.values, [select.name]: o.value }) }))
    .filter((o) => o.value.length <= LIMITS.optionValue)
    .slice(0, LIMITS.options);
  if (!options.length) return undefined;
  return { type: 'static_select', action_id: actionId, placeholder: plain(select.label, LIMITS.placeholder), options };
}

function inputElement(input: CardInput): Block {
  if (input.options?.length) {
    const options = input.options.slice(0, LIMITS.options).map((o) => ({ text: plain(o.label, LIMITS.optionText), value: clip(o.value, LIMITS.optionValue) }));
    const element: Block = { type: 'static_select', action_id: input.name, options };
    if (input.placeholder) element.placeholder = plain(input.placeholder, LIMITS.placeholder);
    const initial = options.find((o) => o.value === input.initial);
    if (initial) element.initial_option = initial;
    return element;
  }
  const element: Block = { type: 'plain_text_input', action_id: input.name, multiline: !!input.multiline };
  if (input.placeholder) element.placeholder = plain(input.placeholder, LIMITS.placeholder);
  if (input.initial) element.initial_value = clip(input.initial, LIMITS.initialValue);
  return element;
}

function inputBlock(input: CardInput, prefix: string, surface: Surface): Block {
  const block: Block = {
    type: 'input',
    block_id: `${prefix}${INPUT_BLOCK_PREFIX}${input.name}`.slice(0, LIMITS.blockId),
    label: plain(input.label, LIMITS.label),
    optional: !input.required,
    element: inputElement(input),
  };
  // Outside modals typing must not fire an action by itself: the card's button submits it.
  if (surface !== 'modal') block.dispatch_action = false;
  return block;
}

type Surface = 'message' | 'home' | 'modal';

/** Action ids must be unique within a message: a repeated verb gets `:2`, `:3`… (the parser strips it). */
function uniqueId(verb: string, used: Map<string, number>): string {
  const n = (used.get(verb) ?? 0) + 1;
  used.set(verb, n);
  return n === 1 ? verb : `${verb}:${n}`;
}

/** One card as blocks. `prefix` keeps block ids unique when several cards share a view. */
export function cardBlocks(card: Card, surface: Surface, prefix = ''): Block[] {
  const blocks: Block[] = [];
  const header: Block = { type: 'header', text: plain(`${TONE_MARK[card.tone] ?? ''} ${card.title}`.trim(), LIMITS.header) };
  const subjectId = card.subject ? `${prefix}${SUBJECT_BLOCK_PREFIX}${card.subject}` : undefined;
  if (subjectId && subjectId.length <= LIMITS.blockId) header.block_id = subjectId;
  blocks.push(header);
  if (card.body) blocks.push({ type: 'section', text: plain(card.body, LIMITS.text) });

  let shortRun: Block[] = [];
  const flushFields = () => {
    for (let i = 0; i < shortRun.length; i += LIMITS.fieldsPerSection) blocks.push({ type: 'section', fields: shortRun.slice(i, i + LIMITS.fieldsPerSection) });
    shortRun = [];
  };
  for (const field of card.fields) {
    const text = `${field.label}\n${field.value}`;
    if (field.short !== false) shortRun.push(plain(text, LIMITS.field));
    else {
      flushFields();
      blocks.push({ type: 'section', text: plain(text, LIMITS.text) });
    }
  }
  flushFields();
  if (card.context) blocks.push({ type: 'context', elements: [plain(card.context, LIMITS.text)] });

  const used = new Map<string, number>();
  let actions: Block[] = [];
  let actionBlocks = 0;
  const flushActions = () => {
    if (!actions.length) return;
    blocks.push({ type: 'actions', block_id: `${prefix}act:${actionBlocks++}`, elements: actions });
    actions = [];
  };
  for (const element of card.elements) {
    if (element.type === 'input') {
      flushActions();
      blocks.push(inputBlock(element, prefix, surface));
      continue;
    }
    // In a modal the primary button is the view's own submit button.
    if (surface === 'modal' && element.type === 'button') continue;
    const rendered = element.type === 'button' ? buttonElement(element, uniqueId(element.actionId, used)) : selectElement(element, uniqueId(element.actionId, used));
    if (!rendered) continue;
    if (actions.length === LIMITS.actionsElements) flushActions();
    actions.push(rendered);
  }
  flushActions();
  return blocks;
}

/** Keeps within `max` blocks: information blocks go first (from the end); headers, buttons and inputs stay. */
export function fitBlocks(blocks: Block[], max: number): Block[] {
  if (blocks.length <= max) return blocks;
  const interactive = (b: Block) => b.type === 'actions' || b.type === 'input' || b.type === 'header';
  const keep = blocks.map(() => true);
  let count = blocks.length + 1; // room for the "more" marker
  for (let i = blocks.length - 1; i > 0 && count > max; i--) {
    if (!interactive(blocks[i])) {
      keep[i] = false;
      count--;
    }
  }
  const out: Block[] = [];
  let marked = false;
  blocks.forEach((b, i) => {
    if (keep[i]) out.push(b);
    else if (!marked) {
      out.push({ type: 'context', elements: [plain('…', 10)] });
      marked = true;
    }
  });
  return out.slice(0, max);
}

function cardSummary(card: Card): string {
  return card.body ? `${card.title}\n${card.body}` : card.title;
}

/** A reply as a message: the reply text (mrkdwn, escaped) above the card. */
export function renderReply(reply: Reply): SlackMessage {
  const blocks: Block[] = [];
  if (reply.text) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fit(reply.text, LIMITS.text), verbatim: true } });
  if (reply.card) blocks.push(...cardBlocks(reply.card, 'message'));
  const fallback = reply.text ?? (reply.card ? cardSummary(reply.card) : '');
  return { text: fallback.trim() ? fit(fallback, LIMITS.text) : ' ', blocks: fitBlocks(blocks, LIMITS.messageBlocks) };
}

/** The Home tab: the cards one under another, each with its own block id prefix. */
export function renderHome(cards: Card[], intro?: string): { type: 'home'; blocks: Block[] } {
  const blocks: Block[] = [];
  if (intro) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fit(intro, LIMITS.text), verbatim: true } });
  for (const [i, card] of cards.entries()) {
    const rendered = fitBlocks(cardBlocks(card, 'home', `c${i}/`), 40);
    if (blocks.length + rendered.length + 2 > LIMITS.viewBlocks) {
      blocks.push({ type: 'context', elements: [plain('…', 10)] });
      break;
    }
    if (blocks.length) blocks.push({ type: 'divider' });
    blocks.push(...rendered);
  }
  if (!blocks.length) blocks.push({ type: 'section', text: plain(' ', 10) });
  return { type: 'home', blocks };
}

/** Where a ticket opened from the modal belongs: the channel (and thread) it came from, and the message it files. */
export interface ModalOrigin {
  channel?: string;
  thread?: string;
  link?: string;
}

export function encodeOrigin(origin: ModalOrigin): string {
  const full = JSON.stringify({ c: origin.channel, t: origin.thread, l: origin.link });
  if (full.length <= LIMITS.privateMetadata) return full;
  return JSON.stringify({ c: origin.channel, t: origin.thread });
}

/** The open-ticket form as a modal; the form's primary button becomes the modal's submit button. */
export function renderOpenModal(form: Card, origin: ModalOrigin, locale: Locale): Block {
  const submit = form.elements.find((e): e is CardButton => e.type === 'button');
  const blocks = cardBlocks(form, 'modal').filter((b) => b.type !== 'header');
  return {
    type: 'modal',
    callback_id: OPEN_MODAL_CALLBACK_ID,
    title: plain(form.title, LIMITS.modalTitle),
    submit: plain(submit?.label ?? (locale === 'zh-CN' ? '提交' : 'Submit'), LIMITS.modalTitle),
    close: plain(locale === 'zh-CN' ? '取消' : 'Cancel', LIMITS.modalTitle),
    private_metadata: encodeOrigin(origin),
    blocks: fitBlocks(blocks, LIMITS.viewBlocks),
  };
}
