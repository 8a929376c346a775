import { describe, it, expect } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy, parsePolicyText, PolicyError } from '../../../src/config/policy.loader.js';
import { DEFAULT_POLICY, targetFor, type TicketAttrs } from '../../../src/sla/sla.policy.js';

const MIN = 60_000;
const H = 60 * MIN;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const HINT = 'write e.g. 90s, 30min, 4h, 3 working days';

// Line numbers in the expected messages refer to this file; each bad case changes one or two lines.
const BASE = [
  'clocks:', //                                   1
  '  first_response:', //                         2
  '    rules:', //                                3
  '      - when: { tier: vip }', //               4
  '        target: 10min', //                     5
  '      - target: 20min', //                     6
  '  resolution:', //                             7
  '    rules:', //                                8
  '      - when: { type: complaint }', //         9
  '        target: 8h', //                        10
  '      - when: { complexity: complex }', //     11
  '        target: 3 working days', //            12
  '      - target: 24h', //                       13
  'reminders:', //                                14
  '  at: 0.75', //                                15
  '  maxRenags: 4', //                            16
  'consequences:', //                             17
  '  moderate: { fine: 200 }', //                 18
  'scorecard:', //                                19
  '  quality: 0.5', //                            20
  '  efficiency: 0.25', //                        21
  '  satisfaction: 0.25', //                      22
];

/** BASE with lines replaced (1-based); `null` deletes the line. */
function variant(changes: Record<number, string | null>): string {
  return BASE.map((line, i) => (i + 1 in changes ? changes[i + 1] : line))
    .filter((line): line is string => line !== null)
    .join('\n');
}

const ticket = (over: Partial<TicketAttrs> = {}): TicketAttrs => ({ type: 'request', priority: 'P3', tier: 'standard', complexity: 'simple', channel: 'email', ...over });

function errorOf(text: string, fileName = 'policy.yaml', format: 'yaml' | 'json' = 'yaml'): string {
  try {
    parsePolicyText(text, fileName, format);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new Error('expected a PolicyError');
}

describe('loadPolicy: defaults', () => {
  it('no file means the defaults', () => {
    expect(loadPolicy()).toBe(DEFAULT_POLICY);
    expect(loadPolicy('')).toBe(DEFAULT_POLICY);
  });
  it('an empty file or one with only comments changes nothing', () => {
    expect(parsePolicyText('', 'policy.yaml')).toBe(DEFAULT_POLICY);
    expect(parsePolicyText('# nothing to change\n', 'policy.yaml')).toBe(DEFAULT_POLICY);
  });
  it('a missing file is a one-line error', () => {
    expect(() => loadPolicy('/nonexistent/policy.yaml')).toThrow(
      new PolicyError('/nonexistent/policy.yaml: file not found; check POLICY_FILE or unset it to use the default policy', ''),
    );
  });
});

describe('parsePolicyText: partial override merges onto the defaults', () => {
  const policy = parsePolicyText(BASE.join('\n'), 'policy.yaml');

  it('a clock with rules replaces its whole default list', () => {
    expect(policy.clocks.first_response.rules).toHaveLength(2);
    expect(targetFor(policy, 'first_response', ticket({ tier: 'vip', channel: 'chat' }))?.target).toMatchObject({ ms: 10 * MIN, basis: 'working' });
    expect(targetFor(policy, 'first_response', ticket({ tier: 'prospect' }))).toMatchObject({ ruleId: 'first_response#2', target: { ms: 20 * MIN } });
    expect(targetFor(policy, 'resolution', ticket({ type: 'complaint', tier: 'vip' }))?.target).toMatchObject({ ms: 8 * H, basis: 'calendar' });
    expect(targetFor(policy, 'resolution', ticket({ complexity: 'complex' }))?.target).toMatchObject({ basis: 'working', workingDays: 3 });
  });
  it('clocks the file does not name keep their defaults', () => {
    expect(policy.clocks.incident_response).toEqual(DEFAULT_POLICY.clocks.incident_response);
    expect(policy.clocks.first_response.basis).toBe('working');
  });
  it('other keys merge key by key', () => {
    expect(policy.reminders).toEqual({ ...DEFAULT_POLICY.reminders, at: 0.75, maxRenags: 4 });
    expect(policy.consequences.moderate).toEqual({ warning: 'written', points: 2, fine: 200 });
    expect(policy.consequences.severe).toEqual(DEFAULT_POLICY.consequences.severe);
    expect(policy.scorecard).toEqual({ quality: 0.5, efficiency: 0.25, satisfaction: 0.25 });
    expect(policy.appeals).toEqual(DEFAULT_POLICY.appeals);
  });
  it('does not change DEFAULT_POLICY', () => {
    expect(DEFAULT_POLICY.reminders.at).toBe(0.8);
    expect(DEFAULT_POLICY.clocks.first_response.rules).toHaveLength(4);
  });
  it('a new basis without rules re-reads the default targets in it', () => {
    const p = parsePolicyText('clocks:\n  resolution:\n    basis: working\n', 'policy.yaml');
    expect(targetFor(p, 'resolution', ticket())?.target).toMatchObject({ ms: 24 * H, basis: 'working' });
    expect(targetFor(p, 'resolution', ticket({ complexity: 'complex' }))?.target).toMatchObject({ workingDays: 3 });
  });
  it('rules: [] switches a clock off; percentages and lists are accepted', () => {
    const p = parsePolicyText('clocks:\n  return_visit: { rules: [] }\nreminders: { at: 70%, escalateAt: 200% }\ngrades:\n  severeAlways: [{ tier: [vip, standard] }]\n', 'policy.yaml');
    expect(targetFor(p, 'return_visit', ticket())).toBeNull();
    expect(p.reminders).toMatchObject({ at: 0.7, escalateAt: 2 });
    expect(p.grades.severeAlways).toEqual([{ tier: ['vip', 'standard'] }]);
  });
  it('calendars become specs keyed by id', () => {
    const p = parsePolicyText('calendars:\n  night-desk: { kind: 24x7, timeZone: UTC }\n', 'policy.yaml');
    expect(p.calendars).toEqual({ 'night-desk': { id: 'night-desk', kind: '24x7', timeZone: 'UTC' } });
  });
});

describe('parsePolicyText: a bad file is one line with the line number, the key path and the fix', () => {
  const cases: Array<[string, Record<number, string | null>, string]> = [
    ['a misspelt duration', { 12: '        target: 3 wrking days' }, `policy.yaml line 12: clocks.resolution.rules[1].target: '3 wrking days' is not a duration; ${HINT}`],
    ['a zero duration', { 5: '        target: 0min' }, "policy.yaml line 5: clocks.first_response.rules[0].target: '0min' is zero; give a positive duration, e.g. 90s, 30min, 4h, 3 working days"],
    ['a number without unit', { 10: '        target: 30' }, 'policy.yaml line 10: clocks.resolution.rules[0].target: expected a duration, got the number 30; add a unit, e.g. 30min'],
    ['a missing target', { 10: null }, 'policy.yaml line 9: clocks.resolution.rules[0].target: target is missing; add e.g. target: 30min'],
    [
      'an unknown clock',
      { 7: '  resolve:' },
      'policy.yaml line 7: clocks.resolve: unknown clock \'resolve\'; use one of first_response, classification, complaint_contact, resolution, handoff_acceptance, department_opinion, return_visit, incident_response, post_incident_review',
    ],
    ['an unknown top-level key', { 14: 'remnders:' }, "policy.yaml line 14: remnders: unknown key 'remnders'; use one of clocks, reminders, grades, consequences, jointLiability, appeals, retraining, scorecard, records, calendars"],
    ['an unknown key in a rule', { 6: '      - target: 20min', 7: '        priority: P1', 8: null, 9: null, 10: null, 11: null, 12: null, 13: null }, "policy.yaml line 7: clocks.first_response.rules[1].priority: unknown key 'priority'; use one of when, target"],
    ['an unknown condition value', { 4: '      - when: { tier: vipp }' }, "policy.yaml line 4: clocks.first_response.rules[0].when.tier: 'vipp' is not a customer tier; use one of vip, standard, prospect"],
    ['an unknown value in a list', { 9: '      - when: { type: [complaint, complain] }' }, "policy.yaml line 9: clocks.resolution.rules[0].when.type[1]: 'complain' is not a ticket type; use one of inquiry, request, complaint, incident"],
    ['an unknown condition key', { 11: '      - when: { complexty: complex }' }, "policy.yaml line 11: clocks.resolution.rules[1].when.complexty: unknown condition 'complexty'; use one of type, priority, tier, complexity, channel, incidentLevel"],
    ['a catch-all rule before others', { 6: '      - target: 20min', 7: '      - when: { tier: standard }', 8: '        target: 25min', 9: null, 10: null, 11: null, 12: null, 13: null }, "policy.yaml line 6: clocks.first_response.rules[1]: this rule has no 'when', so it matches every ticket and the 1 rule(s) after it never apply; move it last or add a when"],
    ['a reminder at or after the breach', { 15: '  at: 1.2' }, 'policy.yaml line 15: reminders.at: 1.2 must be above 0 and below 1 (the reminder comes before the breach); write e.g. at: 0.8 (or 80%)'],
    ['an escalation before the breach', { 16: '  escalateAt: 90%' }, 'policy.yaml line 16: reminders.escalateAt: 0.9 must be above 1 (escalation comes after the breach); write e.g. escalateAt: 1.5 (or 150%)'],
    ['a fractional count', { 16: '  maxRenags: 2.5' }, "policy.yaml line 16: reminders.maxRenags: '2.5' is not a whole number from 0 to 100; write e.g. 8"],
    ['grade thresholds not ascending', { 19: 'grades:', 20: '  minorUpTo: 1.5', 21: null, 22: null }, 'policy.yaml line 20: grades.minorUpTo: grade thresholds must ascend, but minorUpTo 1.5 is not below moderateUpTo 1; write e.g. minorUpTo: 0.25, moderateUpTo: 1.0'],
    ['scorecard weights that do not add up to 1', { 20: '  quality: 0.6' }, 'policy.yaml line 19: scorecard: the weights add up to 1.1 (quality 0.6 + efficiency 0.25 + satisfaction 0.25); make them add up to 1, e.g. 0.4, 0.3, 0.3'],
    ['a bad warning', { 18: '  moderate: { warning: oral }' }, "policy.yaml line 18: consequences.moderate.warning: 'oral' is not a warning; use verbal or written"],
    ['a section that is not a mapping', { 14: 'reminders: often', 15: null, 16: null }, "policy.yaml line 14: reminders: expected a mapping (key: value lines), got 'often'"],
    ['rules that are not a list', { 8: '    rules: 24h', 9: null, 10: null, 11: null, 12: null, 13: null }, "policy.yaml line 8: clocks.resolution.rules: expected a list, got '24h'"],
    ['a YAML syntax error', { 16: '\tmaxRenags: 4' }, 'policy.yaml line 16: YAML syntax error: Tabs are not allowed as indentation; check the indentation and quoting there'],
    ['a repeated key', { 16: '  at: 0.7' }, 'policy.yaml line 16: YAML syntax error: Map keys must be unique; remove or merge the repeated key'],
    ['a bad calendar', { 19: 'calendars:', 20: '  cn-support:', 21: '    timeZone: Asia/Shangai', 22: null }, "policy.yaml line 21: calendars.cn-support.timeZone: 'Asia/Shangai' is not an IANA time zone"],
  ];
  it.each(cases)('%s', (_name, changes, message) => {
    expect(errorOf(variant(changes))).toBe(message);
  });

  it('reports the problem nearest the top first', () => {
    expect(errorOf(variant({ 5: '        target: soon', 12: '        target: later' }))).toBe(`policy.yaml line 5: clocks.first_response.rules[0].target: 'soon' is not a duration; ${HINT}`);
  });
  it('carries the file, line and path on the error', () => {
    expect(() => parsePolicyText(variant({ 12: '        target: 3 wrking days' }), 'policy.yaml')).toThrow(
      expect.objectContaining({ fileName: 'policy.yaml', line: 12, path: 'clocks.resolution.rules[1].target' }) as unknown as Error,
    );
  });
});

describe('JSON policy files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duban-policy-'));

  it('loads a .json file as JSON', () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ clocks: { classification: { rules: [{ target: '10 min' }] } }, reminders: { at: 0.9 } }, null, 2));
    const p = loadPolicy(file);
    expect(p.clocks.classification.rules[0].target).toMatchObject({ ms: 10 * MIN, basis: 'working' });
    expect(p.reminders.at).toBe(0.9);
  });
  it('reports JSON schema errors with line numbers', () => {
    const text = '{\n  "reminders": {\n    "at": 0.9,\n    "renagEvery": "3 wrking days"\n  }\n}';
    expect(errorOf(text, 'policy.json', 'json')).toBe(`policy.json line 4: reminders.renagEvery: '3 wrking days' is not a duration; ${HINT}`);
  });
  it('reports JSON syntax errors with line numbers', () => {
    const text = '{\n  "reminders": {\n    "at": 0.9,\n  }\n}';
    expect(errorOf(text, 'policy.json', 'json')).toMatch(/^policy\.json line 4: JSON syntax error: .+; check the commas, quotes and brackets there$/);
  });
  it('reads a YAML file whatever its extension other than .json', () => {
    const file = join(dir, 'policy.yml');
    writeFileSync(file, 'retraining:\n  threshold: 4\n');
    expect(loadPolicy(file).retraining).toEqual({ threshold: 4, windowDays: 30, minGrade: 'moderate' });
  });
});

describe('docs/policy.example.yaml', () => {
  it('is accepted and restates the defaults', () => {
    const p = loadPolicy(join(ROOT, 'docs/policy.example.yaml'));
    const { calendars, ...rest } = p;
    const { calendars: _none, ...defaults } = DEFAULT_POLICY;
    expect(rest).toEqual(defaults);
    expect(Object.keys(calendars)).toEqual(['cn-support', 'night-desk']);
  });
});
