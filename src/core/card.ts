// The neutral reply model: plain text or a small card that each adapter
// renders natively (Block Kit, Adaptive Card, Feishu card, console HTML).
export type Tone = 'neutral' | 'good' | 'warning' | 'danger' | 'info';

export interface CardField {
  label: string;
  value: string;
  /** Short fields may be laid out two per row. */
  short?: boolean;
}

export interface CardButton {
  type: 'button';
  actionId: string;
  label: string;
  values: Record<string, string>;
  style?: 'primary' | 'danger';
  /** Ask before running (platforms that support confirmation dialogs show it). */
  confirm?: string;
}

export interface CardSelect {
  type: 'select';
  actionId: string;
  /** The argument the chosen option is sent as (`department`, `person`). */
  name: string;
  label: string;
  options: Array<{ label: string; value: string }>;
  values: Record<string, string>;
}

export interface CardInput {
  type: 'input';
  name: string;
  label: string;
  placeholder?: string;
  multiline?: boolean;
  /** A choice instead of free text (rendered as a dropdown inside forms). */
  options?: Array<{ label: string; value: string }>;
  /** Preselected value. */
  initial?: string;
  /** The form cannot be submitted without it. */
  required?: boolean;
}

export type CardElement = CardButton | CardSelect | CardInput;

export interface Card {
  title: string;
  tone: Tone;
  /** Plain text (adapters escape it for their markup). */
  body?: string;
  fields: CardField[];
  context?: string;
  elements: CardElement[];
  /** Stable key of the thing the card shows (`ticket:T-12`), so adapters can update copies in place. */
  subject?: string;
  /** The version of the subject shown (1: just created, so no copy of it can be posted anywhere yet). */
  subjectVersion?: number;
}

export interface Reply {
  text?: string;
  card?: Card;
  /** Only the actor should see it (Slack ephemeral, Teams/Feishu private reply where possible). */
  private?: boolean;
}

/** Small fluent builder so command code reads like the card it makes. */
export class CardBuilder {
  private readonly card: Card;
  constructor(title: string, tone: Tone = 'neutral') {
    this.card = { title, tone, fields: [], elements: [] };
  }
  body(text: string): this {
    this.card.body = text;
    return this;
  }
  field(label: string, value: string, short = true): this {
    this.card.fields.push({ label, value, short });
    return this;
  }
  context(text: string): this {
    this.card.context = text;
    return this;
  }
  subject(key: string, version?: number): this {
    this.card.subject = key;
    if (version !== undefined) this.card.subjectVersion = version;
    return this;
  }
  button(actionId: string, label: string, values: Record<string, string>, options: { style?: 'primary' | 'danger'; confirm?: string } = {}): this {
    this.card.elements.push({ type: 'button', actionId, label, values, ...options });
    return this;
  }
  select(actionId: string, name: string, label: string, options: Array<{ label: string; value: string }>, values: Record<string, string> = {}): this {
    this.card.elements.push({ type: 'select', actionId, name, label, options, values });
    return this;
  }
  input(name: string, label: string, options: Omit<CardInput, 'type' | 'name' | 'label'> = {}): this {
    this.card.elements.push({ type: 'input', name, label, ...options });
    return this;
  }
  build(): Card {
    return { ...this.card, fields: [...this.card.fields], elements: [...this.card.elements] };
  }
}

export function card(title: string, tone: Tone = 'neutral'): CardBuilder {
  return new CardBuilder(title, tone);
}
