import { describe, it, expect } from '@jest/globals';
import { card } from '../../../../src/core/card.js';
import { openFormCard } from '../../../../conversations/render/open-form.card.js';
import { ADAPTIVE_CARD_TYPE, escapeMarkdown, neutraliseMentions, renderCard, renderReply } from '../../../../adapters/teams/teams.render.js';
import { ACTION_MARKER } from '../../../../adapters/teams/teams.parse.js';

const ticket = () =>
  card('T-12 Printer on fire', 'danger')
    .subject('ticket:T-12')
    .body('Floor 3\nsince 9am')
    .field('Owner', 'Zhang Wei')
    .field('Priority', 'P1')
    .context('Opened 5 min ago')
    .button('claim', 'Claim', { id: 'T-12' }, { style: 'primary' })
    .button('escalate', 'Escalate', { id: 'T-12' }, { style: 'danger', confirm: 'Escalate T-12 to the supervisor?' })
    .select('handoff', 'department', 'Hand off to…', [{ label: 'Billing', value: 'billing' }, { label: 'Tech', value: 'tech' }], { id: 'T-12' })
    .build();

const body = (c: Record<string, any>) => c.body as Array<Record<string, any>>;
const actions = (c: Record<string, any>) => c.actions as Array<Record<string, any>>;

describe('escaping user text', () => {
  it('breaks <at> so a title can never mention anyone', () => {
    const out = neutraliseMentions('hi <at>Everyone</at> and <AT id="1">x</AT>');
    expect(out).not.toMatch(/<at[\s>]/i);
    expect(out).not.toMatch(/<\/at>/i);
    expect(out.replace(/\u200b/g, '')).toBe('hi <at>Everyone</at> and <AT id="1">x</AT>');
  });

  it('neutralises markdown: emphasis, links, lists', () => {
    expect(escapeMarkdown('**bold** _it_ [click](https://evil.example)')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\[click\\](https://evil.example)');
    expect(escapeMarkdown('- item\n1. first\n  + more')).toBe('\\- item\n1\\. first\n  \\+ more');
    expect(escapeMarkdown('T-12 costs 3.5 a\\b')).toBe('T-12 costs 3.5 a\\\\b');
  });

  it('applies to every text the card shows', () => {
    const evil = card('<at>All</at> **urgent** [x](http://e)', 'neutral').body('<at>Boss</at>').field('[a](b)', '<at>Z</at>').context('*c*').build();
    const json = JSON.stringify(renderCard(evil));
    expect(json).not.toMatch(/<at>/i);
    expect(json).not.toContain('[x](http://e)');
    expect(json).not.toContain('**urgent**');
    expect(body(renderCard(evil))[0].text).toContain('\\*\\*urgent\\*\\*');
  });

  it('sends text replies as plain text with mentions broken', () => {
    const msg = renderReply({ text: 'Ticket <at>everyone</at> **done**' });
    expect(msg).toEqual({ type: 'message', text: expect.not.stringMatching(/<at>/), textFormat: 'plain' });
    expect(msg.text!.replace(/\u200b/g, '')).toBe('Ticket <at>everyone</at> **done**');
    expect(renderReply({ card: ticket() }).attachments?.[0].contentType).toBe(ADAPTIVE_CARD_TYPE);
  });
});

describe('renderCard', () => {
  const out = renderCard(ticket());

  it('is an Adaptive Card 1.5 whose title is coloured by tone', () => {
    expect(out).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(body(out)[0]).toMatchObject({ type: 'TextBlock', text: 'T-12 Printer on fire', weight: 'Bolder', color: 'Attention', wrap: true });
    expect(body(renderCard(card('x', 'good').build()))[0].color).toBe('Good');
  });

  it('keeps each body line on its own line (TextBlock markdown needs a blank line)', () => {
    expect(body(out)[1]).toMatchObject({ type: 'TextBlock', text: 'Floor 3\n\nsince 9am' });
  });

  it('puts the fields in a FactSet and the context in a subtle TextBlock', () => {
    expect(body(out).find((e) => e.type === 'FactSet')).toEqual({ type: 'FactSet', facts: [{ title: 'Owner', value: 'Zhang Wei' }, { title: 'Priority', value: 'P1' }] });
    expect(body(out).at(-1)).toMatchObject({ type: 'TextBlock', text: 'Opened 5 min ago', isSubtle: true, size: 'Small' });
  });

  it('makes buttons Action.Execute with the command verb and values, falling back to Action.Submit', () => {
    const claim = actions(out)[0];
    expect(claim).toMatchObject({ type: 'Action.Execute', title: 'Claim', verb: 'claim', data: { id: 'T-12', [ACTION_MARKER]: 'claim' }, style: 'positive' });
    expect(claim.fallback).toEqual({ type: 'Action.Submit', title: 'Claim', data: { id: 'T-12', [ACTION_MARKER]: 'claim' }, style: 'positive' });
  });

  it('asks before a button with a confirmation, in a ShowCard', () => {
    const escalate = actions(out)[1];
    expect(escalate).toMatchObject({ type: 'Action.ShowCard', title: 'Escalate' });
    expect(escalate.card.body[0].text).toBe('Escalate T-12 to the supervisor?');
    expect(escalate.card.actions[0]).toMatchObject({ type: 'Action.Execute', verb: 'escalate', style: 'destructive' });
  });

  it('turns a select into a ChoiceSet named after its argument, sent by its own Execute button', () => {
    expect(body(out).find((e) => e.type === 'Input.ChoiceSet')).toEqual({
      type: 'Input.ChoiceSet',
      id: 'department',
      style: 'compact',
      label: 'Hand off to…',
      choices: [{ title: 'Billing', value: 'billing' }, { title: 'Tech', value: 'tech' }],
    });
    expect(actions(out)[2]).toMatchObject({ type: 'Action.Execute', verb: 'handoff', data: { id: 'T-12' } });
  });

  it('renders form inputs: text (multiline, required, prefilled) and option inputs as ChoiceSets', () => {
    const form = openFormCard('en', { title: 'Printer', description: 'Line 1' });
    const rendered = renderCard(form);
    const title = body(rendered).find((e) => e.id === 'title')!;
    expect(title).toMatchObject({ type: 'Input.Text', isRequired: true, value: 'Printer', label: 'Title' });
    expect(body(rendered).find((e) => e.id === 'description')).toMatchObject({ type: 'Input.Text', isMultiline: true, value: 'Line 1' });
    const type = body(rendered).find((e) => e.id === 'type')!;
    expect(type.type).toBe('Input.ChoiceSet');
    expect(type.choices.map((c: { value: string }) => c.value)).toEqual(['inquiry', 'request', 'complaint', 'incident']);
    expect(actions(rendered)).toHaveLength(1);
    expect(actions(rendered)[0]).toMatchObject({ type: 'Action.Execute', verb: 'open' });
  });

  it('uses Action.Submit only when asked (dialogs cannot run Execute)', () => {
    const rendered = renderCard(openFormCard('zh-CN'), { actions: 'submit' });
    expect(actions(rendered)[0]).toEqual({ type: 'Action.Submit', title: '创建工单', data: { [ACTION_MARKER]: 'open' }, style: 'positive' });
  });

  it('leaves out the action bar when there is nothing to press', () => {
    expect(renderCard(card('Only text').build())).not.toHaveProperty('actions');
  });
});
