// Neutral replies and cards → Teams: Adaptive Cards 1.5 with Action.Execute
// buttons (Universal Actions, so a click updates the card in place), plain-text
// messages for text replies. All user text is neutralised: Adaptive Card
// TextBlocks render markdown, and `<at>` markup must never mention anyone.
import type { Card, CardButton, CardInput, CardSelect, Reply, Tone } from '../../src/core/card.js';
import { ACTION_MARKER } from './teams.parse.js';

export const ADAPTIVE_CARD_TYPE = 'application/vnd.microsoft.card.adaptive';
export const CARD_VERSION = '1.5';

type Json = Record<string, unknown>;

export interface RenderOptions {
  /**
   * `execute` (default): Action.Execute with an Action.Submit fallback for older clients.
   * `submit`: Action.Submit only, for dialogs (task modules), which do not run Execute.
   */
  actions?: 'execute' | 'submit';
}

/** Breaks `<at>` / `</at>` with a zero-width space so the text can never become a mention. */
export function neutraliseMentions(text: string): string {
  return text.replace(/<(\/?)(at)(?=[\s>/])/gi, '<\u200b$1$2');
}

/**
 * Text for a TextBlock or FactSet: markdown punctuation escaped (so a title cannot bold,
 * link or list anything), line-start markers escaped, and mentions neutralised.
 */
export function escapeMarkdown(text: string): string {
  const escaped = text
    .replace(/[\\*_[\]]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([+-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
  return neutraliseMentions(escaped);
}

/** Text that is shown as-is (input labels, choice titles, button titles): only mentions need breaking. */
const plain = (text: string) => neutraliseMentions(text);

const TONE_COLOR: Record<Tone, string> = { neutral: 'Default', info: 'Accent', good: 'Good', warning: 'Warning', danger: 'Attention' };

/** Escaped markdown in which every line stays a line (markdown joins single line breaks). */
function markdownLines(text: string): string {
  return escapeMarkdown(text).replace(/\r\n?/g, '\n').replace(/\n+/g, '\n\n');
}

function textBlock(text: string, extra: Json = {}): Json {
  return { type: 'TextBlock', text: markdownLines(text), wrap: true, ...extra };
}

function actionStyle(style: CardButton['style']): Json {
  if (style === 'primary') return { style: 'positive' };
  if (style === 'danger') return { style: 'destructive' };
  return {};
}

function submitAction(title: string, verb: string, values: Record<string, string>, style?: CardButton['style']): Json {
  return { type: 'Action.Submit', title: plain(title), data: { ...values, [ACTION_MARKER]: verb }, ...actionStyle(style) };
}

function commandAction(title: string, verb: string, values: Record<string, string>, options: RenderOptions, style?: CardButton['style']): Json {
  if (options.actions === 'submit') return submitAction(title, verb, values, style);
  return {
    type: 'Action.Execute',
    title: plain(title),
    verb,
    data: { ...values, [ACTION_MARKER]: verb },
    ...actionStyle(style),
    fallback: submitAction(title, verb, values, style),
  };
}

function buttonAction(button: CardButton, options: RenderOptions): Json {
  const run = commandAction(button.label, button.actionId, button.values, options, button.style);
  if (!button.confirm) return run;
  // Adaptive Cards have no confirmation dialog: the button opens a small card that asks first.
  return {
    type: 'Action.ShowCard',
    title: plain(button.label),
    card: { type: 'AdaptiveCard', body: [textBlock(button.confirm)], actions: [run] },
  };
}

function choices(options: Array<{ label: string; value: string }>): Json[] {
  return options.map((o) => ({ title: plain(o.label), value: o.value }));
}

function inputElement(input: CardInput): Json {
  const common: Json = {
    id: input.name,
    label: plain(input.label),
    ...(input.required ? { isRequired: true, errorMessage: plain(input.label) } : {}),
    ...(input.initial !== undefined ? { value: input.initial } : {}),
    ...(input.placeholder ? { placeholder: plain(input.placeholder) } : {}),
  };
  if (input.options) return { type: 'Input.ChoiceSet', style: 'compact', choices: choices(input.options), ...common };
  return { type: 'Input.Text', ...(input.multiline ? { isMultiline: true } : {}), maxLength: 4000, ...common };
}

function selectElement(select: CardSelect, id: string): Json {
  return { type: 'Input.ChoiceSet', id, style: 'compact', label: plain(select.label), choices: choices(select.options) };
}

/** A neutral card as an Adaptive Card (the attachment's content). */
export function renderCard(card: Card, options: RenderOptions = {}): Json {
  const body: Json[] = [textBlock(card.title, { size: 'Medium', weight: 'Bolder', color: TONE_COLOR[card.tone] ?? 'Default' })];
  if (card.body) body.push(textBlock(card.body));
  if (card.fields.length) {
    body.push({ type: 'FactSet', facts: card.fields.map((f) => ({ title: escapeMarkdown(f.label), value: markdownLines(f.value) })) });
  }
  const actions: Json[] = [];
  const usedIds = new Set<string>();
  for (const element of card.elements) {
    if (element.type === 'input') {
      usedIds.add(element.name);
      body.push(inputElement(element));
    } else if (element.type === 'select') {
      // The choice travels under the select's name; a second select with the same name keeps its own id.
      const id = usedIds.has(element.name) ? `${element.name}_${usedIds.size}` : element.name;
      usedIds.add(id);
      body.push(selectElement(element, id));
      actions.push(commandAction(element.label, element.actionId, element.values, options));
    } else {
      actions.push(buttonAction(element, options));
    }
  }
  if (card.context) body.push(textBlock(card.context, { isSubtle: true, size: 'Small' }));
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(actions.length ? { actions } : {}),
    msteams: { width: 'Full' },
  };
}

export function cardAttachment(card: Card, options: RenderOptions = {}): { contentType: string; content: Json } {
  return { contentType: ADAPTIVE_CARD_TYPE, content: renderCard(card, options) };
}

/** A reply as a Teams message activity: a card attachment and/or plain text (never markdown, never a mention). */
export function renderReply(reply: Reply): { type: 'message'; text?: string; textFormat?: 'plain'; attachments?: Array<{ contentType: string; content: Json }> } {
  return {
    type: 'message',
    ...(reply.text ? { text: neutraliseMentions(reply.text), textFormat: 'plain' as const } : {}),
    ...(reply.card ? { attachments: [cardAttachment(reply.card)] } : {}),
  };
}
