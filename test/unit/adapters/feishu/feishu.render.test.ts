import { describe, it, expect } from '@jest/globals';
import { card, type Card } from '../../../../src/core/card.js';
import { cardFor, neutralise, renderCard, renderMessage, toast } from '../../../../adapters/feishu/feishu.render.js';
import { readCardAction } from '../../../../adapters/feishu/feishu.parse.js';
import { feishuCardAction } from '../../../support/feishu-requests.js';

const PING_ALL = '<at user_id="all"></at>';

/** Every text object in a card, with the tag it is sent as. */
function texts(node: unknown, out: Array<{ tag: string; content: string }> = []): Array<{ tag: string; content: string }> {
  if (Array.isArray(node)) node.forEach((n) => texts(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if ((o.tag === 'plain_text' || o.tag === 'lark_md' || o.tag === 'markdown') && typeof o.content === 'string') out.push({ tag: o.tag, content: o.content });
    Object.values(o).forEach((v) => texts(v, out));
  }
  return out;
}

const ticketCard = (): Card =>
  card('T-7 · Printer on fire', 'danger')
    .subject('ticket:T-7')
    .body('The **third** floor printer')
    .field('State', 'Open')
    .field('Owner', 'Unclaimed')
    .field('Clocks', 'resolution: 3 h left', false)
    .context('Opened 09:00 by Chen Jing')
    .button('claim', 'Claim', { id: 'T-7' }, { style: 'primary' })
    .button('close', 'Close', { id: 'T-7' }, { style: 'danger', confirm: 'Close T-7?' })
    .select('handoff', 'department', 'Hand off to', [{ label: 'Billing', value: 'billing' }], { id: 'T-7' })
    .build();

describe('renderCard', () => {
  it.each([
    ['danger', 'red'],
    ['warning', 'orange'],
    ['good', 'green'],
    ['info', 'blue'],
    ['neutral', 'grey'],
  ] as const)('tone %s becomes the %s header template', (tone, template) => {
    expect(renderCard(card('x', tone).build()).header).toMatchObject({ template, title: { tag: 'plain_text', content: 'x' } });
  });

  it('is a shared card (update_multi) so one patch updates it for everyone', () => {
    expect(renderCard(ticketCard()).config).toEqual({ wide_screen_mode: true, update_multi: true });
  });

  it('lays fields out two per row (is_short) and long ones full width, with label and value', () => {
    const fields = (renderCard(ticketCard()).elements as any[]).find((e) => e.fields)?.fields;
    expect(fields).toEqual([
      { is_short: true, text: { tag: 'plain_text', content: 'State\nOpen' } },
      { is_short: true, text: { tag: 'plain_text', content: 'Owner\nUnclaimed' } },
      { is_short: false, text: { tag: 'plain_text', content: 'Clocks\nresolution: 3 h left' } },
    ]);
  });

  it('shows the body as plain text and the context as a note', () => {
    const elements = renderCard(ticketCard()).elements as any[];
    expect(elements[0]).toEqual({ tag: 'div', text: { tag: 'plain_text', content: 'The **third** floor printer' } });
    expect(elements.at(-1)).toEqual({ tag: 'note', elements: [{ tag: 'plain_text', content: 'Opened 09:00 by Chen Jing' }] });
  });

  it('renders buttons with type, a value carrying the verb, values and subject, and confirm dialogs; selects as select_static', () => {
    const action = (renderCard(ticketCard()).elements as any[]).find((e) => e.tag === 'action');
    expect(action.actions).toEqual([
      { tag: 'button', text: { tag: 'plain_text', content: 'Claim' }, type: 'primary', value: { action: 'claim', id: 'T-7', _subject: 'ticket:T-7' } },
      {
        tag: 'button',
        text: { tag: 'plain_text', content: 'Close' },
        type: 'danger',
        value: { action: 'close', id: 'T-7', _subject: 'ticket:T-7' },
        confirm: { title: { tag: 'plain_text', content: 'Close' }, text: { tag: 'plain_text', content: 'Close T-7?' } },
      },
      {
        tag: 'select_static',
        placeholder: { tag: 'plain_text', content: 'Hand off to' },
        options: [{ text: { tag: 'plain_text', content: 'Billing' }, value: 'billing' }],
        value: { action: 'handoff', id: 'T-7', _subject: 'ticket:T-7', _field: 'department' },
      },
    ]);
  });

  it('round-trips: what a rendered button or select sends back is read as the same command', () => {
    const action = (renderCard(ticketCard()).elements as any[]).find((e) => e.tag === 'action');
    expect(readCardAction(feishuCardAction({ value: action.actions[0].value }), false)).toMatchObject({ action: { id: 'claim', values: { id: 'T-7' } }, subject: 'ticket:T-7' });
    expect(readCardAction(feishuCardAction({ value: action.actions[2].value, option: 'billing' }), false)?.action).toEqual({ id: 'handoff', values: { id: 'T-7', department: 'billing' } });
  });

  it('puts inputs in a form whose buttons submit it; choices become dropdowns with their initial option', () => {
    const form = card('New ticket', 'info')
      .subject('form:open')
      .input('title', 'Title', { placeholder: 'What happened', required: true, initial: 'Printer' })
      .input('priority', 'Priority', { options: [{ label: 'P1', value: 'P1' }, { label: 'P2', value: 'P2' }], initial: 'P2' })
      .input('description', 'Description', { multiline: true })
      .button('open', 'Open ticket', {}, { style: 'primary' })
      .build();
    const elements = renderCard(form).elements as any[];
    const rendered = elements.find((e) => e.tag === 'form');
    expect(rendered.elements).toEqual([
      { tag: 'input', name: 'title', label: { tag: 'plain_text', content: 'Title' }, label_position: 'top', placeholder: { tag: 'plain_text', content: 'What happened' }, default_value: 'Printer', required: true },
      {
        tag: 'select_static',
        name: 'priority',
        placeholder: { tag: 'plain_text', content: 'Priority' },
        options: [
          { text: { tag: 'plain_text', content: 'P1' }, value: 'P1' },
          { text: { tag: 'plain_text', content: 'P2' }, value: 'P2' },
        ],
        initial_option: 'P2',
      },
      { tag: 'input', name: 'description', label: { tag: 'plain_text', content: 'Description' }, label_position: 'top', placeholder: { tag: 'plain_text', content: 'Description' }, input_type: 'multiline_text', rows: 3 },
      { tag: 'button', text: { tag: 'plain_text', content: 'Open ticket' }, type: 'primary', value: { action: 'open', _subject: 'form:open' }, name: 'submit_3', action_type: 'form_submit' },
    ]);
    expect(elements.some((e) => e.tag === 'action')).toBe(false);
  });

  it('shows an input the card repeats once, since names in a form must be unique', () => {
    const twice = card('T-1', 'info').input('reason', 'Reason').button('decline', 'Decline', { id: 'T-1' }).input('reason', 'Reason').button('escalate', 'Escalate', { id: 'T-1' }).build();
    const form = (renderCard(twice).elements as any[]).find((e) => e.tag === 'form');
    expect(form.elements.map((e: any) => e.name)).toEqual(['reason', 'submit_1', 'submit_2']);
  });

  it(`neutralises ${PING_ALL} everywhere user text can appear`, () => {
    const evil = card(`T-9 ${PING_ALL} 全员`, 'warning')
      .body(`hi ${PING_ALL}`)
      .field('Customer', `<at id=all></at>`)
      .context(`by <at user_id="ou_x">X</at>`)
      .button('note', `< at user_id="all">`, { id: 'T-9' }, { confirm: PING_ALL })
      .input('text', 'Comment', { initial: PING_ALL })
      .build();
    const json = JSON.stringify(renderCard(evil, `lead ${PING_ALL}`));
    expect(json).not.toMatch(/<\s*\/?\s*at/i);
    expect(json).toContain('＜at user_id=\\"all\\">＜/at>');
  });

  it('never sends user text as lark_md or markdown, so markup stays literal', () => {
    const md = card('**bold** [link](https://evil.example) <font color="red">x</font>', 'info').body('*x* ~~y~~').field('F', '[a](b)').build();
    const all = texts(renderCard(md, '**lead**'));
    expect(all.length).toBeGreaterThan(3);
    expect(all.every((t) => t.tag === 'plain_text')).toBe(true);
    expect(all.map((t) => t.content)).toContain('*x* ~~y~~');
    expect(JSON.stringify(renderCard(md))).not.toContain('<font');
  });
});

describe('renderMessage', () => {
  it('sends text replies as msg_type text with tags neutralised', () => {
    const body = renderMessage({ text: `已认领 T-1 ${PING_ALL}` });
    expect(body.msg_type).toBe('text');
    expect(JSON.parse(body.content)).toEqual({ text: '已认领 T-1 ＜at user_id="all">＜/at>' });
  });

  it('sends a card reply as one interactive message with the text above the card', () => {
    const body = renderMessage({ text: 'Claimed T-7', card: ticketCard() });
    expect(body.msg_type).toBe('interactive');
    const parsed = JSON.parse(body.content);
    expect(parsed.header.title.content).toBe('T-7 · Printer on fire');
    expect(parsed.elements[0]).toEqual({ tag: 'div', text: { tag: 'plain_text', content: 'Claimed T-7' } });
  });

  it('makes a header-less card of plain text when a card is required', () => {
    expect(cardFor({ text: 'only you' })).toEqual({ config: { wide_screen_mode: true, update_multi: true }, elements: [{ tag: 'div', text: { tag: 'plain_text', content: 'only you' } }] });
  });
});

describe('toast and neutralise', () => {
  it('keeps toasts to one short line', () => {
    const t = toast('error', `line one\nline two ${'x'.repeat(400)}`);
    expect(t.type).toBe('error');
    expect(t.content.startsWith('line one line two')).toBe(true);
    expect(t.content.length).toBeLessThanOrEqual(200);
  });

  it('leaves ordinary text alone', () => {
    expect(neutralise('a<3 and 2 > 1, T-12 “引号”')).toBe('a<3 and 2 > 1, T-12 “引号”');
  });
});
