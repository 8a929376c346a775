import { describe, it, expect } from '@jest/globals';
import { card, type Card } from '../../../../src/core/card.js';
import { openFormCard } from '../../../../conversations/render/open-form.card.js';
import { cardBlocks, escapeSlack, fit, LIMITS, renderHome, renderOpenModal, renderReply, type Block } from '../../../../adapters/slack/slack.render.js';
import { decodeOrigin } from '../../../../adapters/slack/slack.parse.js';

/** Every text Slack would display, from anywhere in the blocks. */
function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const own = (o.type === 'plain_text' || o.type === 'mrkdwn') && typeof o.text === 'string' ? [o.text] : [];
    return [...own, ...Object.entries(o).filter(([k]) => k !== 'text' || typeof o.text !== 'string').flatMap(([, v]) => texts(v))];
  }
  return [];
}
const ofType = (blocks: Block[], type: string) => blocks.filter((b) => b.type === type);

describe('escaping', () => {
  it('escapes & < > and nothing else', () => {
    expect(escapeSlack('a & b <!channel> <@U123> "q" *x*')).toBe('a &amp; b &lt;!channel&gt; &lt;@U123&gt; "q" *x*');
  });

  it('a title, body, field and context typed with <!channel>, <@U…> and & reach Slack escaped everywhere', () => {
    const c = card('Printer <!channel> & <@U0BOSS>', 'danger')
      .body('Body <!here> & more')
      .field('Customer', 'ACME <@U0CEO> & Sons')
      .field('Notes', '<!everyone> please', false)
      .context('by <@U0SAM>')
      .button('claim', 'Claim <!channel>', { id: 'T-1' })
      .build();
    const message = renderReply({ text: 'Opened T-1: Printer <!channel> & <@U0BOSS>', card: c });
    const all = [message.text, ...texts(message.blocks)];
    expect(all.length).toBeGreaterThan(6);
    for (const t of all) {
      expect(t).not.toMatch(/<[!@]/);
      expect(t.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/[&<>]/);
    }
    expect(all.join('\n')).toContain('Printer &lt;!channel&gt; &amp; &lt;@U0BOSS&gt;');
  });

  it('clips after escaping without cutting an entity or a surrogate pair', () => {
    expect(fit('&&&&', 6)).toBe('&amp;…');
    expect(fit('ab😀cd', 4)).toBe('ab…');
    expect(fit('short', 10)).toBe('short');
  });
});

describe('cards as blocks', () => {
  it('puts the tone and title in a header whose block id carries the subject', () => {
    const [header] = cardBlocks(card('T-1 · Printer', 'danger').subject('ticket:T-1').build(), 'message');
    expect(header).toMatchObject({ type: 'header', block_id: 'card:ticket:T-1', text: { type: 'plain_text', text: '🔴 T-1 · Printer' } });
  });

  it('keeps every text within Block Kit limits', () => {
    const long = 'x'.repeat(5000);
    const message = renderReply({ text: long, card: card(long).body(long).field(long, long).field(long, long, false).context(long).button('claim', long, { id: 'T-1' }).build() });
    expect(message.text.length).toBeLessThanOrEqual(LIMITS.text);
    const header = ofType(message.blocks, 'header')[0] as any;
    expect(header.text.text.length).toBeLessThanOrEqual(LIMITS.header);
    expect(header.text.text.endsWith('…')).toBe(true);
    for (const section of ofType(message.blocks, 'section') as any[]) {
      if (section.text) expect(section.text.text.length).toBeLessThanOrEqual(LIMITS.text);
      for (const f of section.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.field);
    }
    const button = (ofType(message.blocks, 'actions')[0] as any).elements[0];
    expect(button.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
  });

  it('lays short fields out at most 10 per section and long ones in their own section', () => {
    const b = card('Many');
    for (let i = 0; i < 23; i++) b.field(`F${i}`, `v${i}`);
    b.field('Clocks', 'resolution: 3 h left', false);
    const blocks = cardBlocks(b.build(), 'message');
    const fieldSections = ofType(blocks, 'section').filter((s: any) => s.fields) as any[];
    expect(fieldSections.map((s) => s.fields.length)).toEqual([10, 10, 3]);
    expect(fieldSections[0].fields[0]).toEqual({ type: 'plain_text', text: 'F0\nv0', emoji: true });
    expect(ofType(blocks, 'section').some((s: any) => s.text?.text === 'Clocks\nresolution: 3 h left')).toBe(true);
  });

  it('stays within 50 blocks per message, keeping the buttons and marking what was left out', () => {
    const b = card('Huge');
    for (let i = 0; i < 80; i++) b.field(`T-${i}`, 'open', false);
    b.button('claim', 'Claim', { id: 'T-1' });
    const { blocks } = renderReply({ text: 'Your list', card: b.build() });
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    expect(blocks.slice(0, 2).map((x) => x.type)).toEqual(['section', 'header']);
    expect(blocks.at(-1)?.type).toBe('actions');
    expect(texts(blocks)).toContain('…');
  });

  it('splits more than 25 buttons over several actions blocks with unique action ids', () => {
    const b = card('Buttons');
    for (let i = 0; i < 30; i++) b.button('show', `Show T-${i}`, { id: `T-${i}` });
    const actions = ofType(cardBlocks(b.build(), 'message'), 'actions') as any[];
    expect(actions.map((a) => a.elements.length)).toEqual([25, 5]);
    const ids = actions.flatMap((a) => a.elements.map((e: any) => e.action_id));
    expect(new Set(ids).size).toBe(30);
    expect(ids.slice(0, 3)).toEqual(['show', 'show:2', 'show:3']);
    expect(JSON.parse(actions[1].elements[4].value)).toEqual({ id: 'T-29' });
  });

  it('renders buttons with style and a confirm dialog, and selects whose options carry the card values', () => {
    const c = card('T-1')
      .button('resolve', 'Resolve', { id: 'T-1' }, { style: 'primary' })
      .button('close', 'Close', { id: 'T-1' }, { style: 'danger', confirm: 'Close T-1 for good?' })
      .select('handoff', 'department', 'Hand off to…', [{ label: 'Billing', value: 'billing' }, { label: 'Tech <&>', value: 'tech' }], { id: 'T-1' })
      .build();
    const [actions] = ofType(cardBlocks(c, 'message'), 'actions') as any[];
    const [resolve, close, select] = actions.elements;
    expect(resolve).toMatchObject({ type: 'button', action_id: 'resolve', style: 'primary', value: '{"id":"T-1"}' });
    expect(close.confirm).toMatchObject({ text: { text: 'Close T-1 for good?' }, confirm: { text: 'Close' }, deny: { text: 'Cancel' } });
    expect(select).toMatchObject({ type: 'static_select', action_id: 'handoff', placeholder: { text: 'Hand off to…' } });
    expect(select.options.map((o: any) => [o.text.text, JSON.parse(o.value)])).toEqual([
      ['Billing', { id: 'T-1', department: 'billing' }],
      ['Tech &lt;&amp;&gt;', { id: 'T-1', department: 'tech' }],
    ]);
  });

  it('turns card inputs on a message into input blocks that do not fire by themselves, between the buttons', () => {
    const c = card('T-1').button('accept', 'Accept', { id: 'T-1' }).input('reason', 'Reason').button('decline', 'Decline', { id: 'T-1' }).build();
    const blocks = cardBlocks(c, 'message');
    expect(blocks.map((b) => b.type)).toEqual(['header', 'actions', 'input', 'actions']);
    expect(blocks[2]).toEqual({
      type: 'input',
      block_id: 'input:reason',
      dispatch_action: false,
      optional: true,
      label: { type: 'plain_text', text: 'Reason', emoji: true },
      element: { type: 'plain_text_input', action_id: 'reason', multiline: false },
    });
  });
});

describe('the open-ticket modal', () => {
  const form = openFormCard('en', { title: 'Printer <on> fire', description: 'Line 1\nLine 2' });
  const view = renderOpenModal(form, { channel: 'C0TICKETS', thread: '1700000000.000100', link: 'https://x.slack.com/archives/C0TICKETS/p1700000000000100' }, 'en') as any;

  it('is a modal with our callback id, a short title, the form’s submit label and where it came from', () => {
    expect(view).toMatchObject({ type: 'modal', callback_id: 'ticket_open', submit: { text: 'Open ticket' }, close: { text: 'Cancel' } });
    expect(view.title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
    expect(decodeOrigin(view.private_metadata)).toEqual({ channel: 'C0TICKETS', thread: '1700000000.000100', link: 'https://x.slack.com/archives/C0TICKETS/p1700000000000100' });
    expect(view.blocks.some((b: any) => b.type === 'actions' || b.type === 'header')).toBe(false);
  });

  it('has one input per form field: the title required, choices as selects, initial values kept as typed', () => {
    const inputs = view.blocks.filter((b: any) => b.type === 'input');
    expect(inputs.map((b: any) => b.block_id)).toEqual(['input:title', 'input:type', 'input:priority', 'input:tier', 'input:customer', 'input:description']);
    const byName = Object.fromEntries(inputs.map((b: any) => [b.element.action_id, b]));
    expect(byName.title).toMatchObject({ optional: false, element: { type: 'plain_text_input', initial_value: 'Printer <on> fire' } });
    expect(byName.priority).toMatchObject({ optional: true, element: { type: 'static_select' } });
    expect(byName.priority.element.options.map((o: any) => o.value)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(byName.description.element).toMatchObject({ multiline: true, initial_value: 'Line 1\nLine 2' });
    expect(inputs.every((b: any) => !('dispatch_action' in b))).toBe(true);
  });

  it('preselects an option given as the initial value', () => {
    const f: Card = { ...form, elements: form.elements.map((e) => (e.type === 'input' && e.name === 'priority' ? { ...e, initial: 'P2' } : e)) };
    const priority = (renderOpenModal(f, {}, 'en') as any).blocks.find((b: any) => b.block_id === 'input:priority');
    expect(priority.element.initial_option.value).toBe('P2');
  });
});

describe('the Home tab', () => {
  it('stacks cards with unique block ids and stays within 100 blocks', () => {
    const cards = Array.from({ length: 12 }, (_, i) => {
      const b = card(`Card ${i}`).subject(`home:${i}`);
      for (let j = 0; j < 8; j++) b.field(`T-${j}`, 'open', false);
      return b.input('reason', 'Reason').button('claim', 'Claim', { id: `T-${i}` }).build();
    });
    const view = renderHome(cards);
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.viewBlocks);
    const ids = view.blocks.map((b) => b.block_id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('c0/input:reason');
    expect(ids).toContain('c1/act:0');
  });
});
