// Random command lines and card clicks for the fuzzer: real verbs (English and
// Chinese) and made-up ones, real and impossible ids, flags with good and bad
// values, unbalanced quotes, markup, operators, emoji, combining marks,
// zero-width and right-to-left characters, very long words and empty input.
import { pick } from './profile.js';

const VERBS = [
  'open', 'claim', 'assign', 'note', 'wait', 'resume', 'resolve', 'close', 'reopen', 'escalate', 'handoff', 'accept', 'decline',
  'followup', 'classify', 'show', 'list', 'penalties', 'appeal', 'review', 'outage', 'admin', 'help', 'retraining', 'dashboard',
  'customer', 'case', 'similar', '新建', '认领', '升级', '转交', '接收', '拒绝', '解决', '关闭', '重新打开', '备注', '查看', '列表',
  '申诉', '复核', '回访', '帮助', 'frobnicate', 'DROP', '$where', '', '?',
];
const PREFIXES = ['', '', '/ticket ', 'ticket ', '/工单 ', '@Duban ', '/ticket ticket ', '  '];
const WORDS = [
  'T-1', 'T-2', 'T-3', 'T-0', 'T-999999999999999999999', 't-1', 'T-', 'T-1.5', 'P-1', 'A-1', 'C-1', 'billing', 'support', 'nowhere',
  '@sam.taylor', '@nobody', '<@U0FSAM>', 'sam.taylor', '--type', 'incident', '--priority', 'P1', 'P9', '--tier', 'vip', '--level',
  '0', '4', '99', '--complex', '--simple', '--customer', '--contacted', '--review', '--', '---', '--x', 'uphold', 'reduce', 'revoke',
  'start', 'end', 'mine', 'dept', 'overdue', 'unclaimed', 'link', 'home', 'done', '5', '-1', '1e308', 'NaN', '"quoted words"',
  '"unclosed', "'single'", '“curly”', '<!channel>', '<at user_id="all">', '<at>x</at>', '{"$gt":""}', '{"$where":"1"}', '$ne',
  '\\', '\\n', '\n', '\t', '😀', '🧨💥', 'e\u0301', '\u200b', '\u202Eevil', '\u0000', '\u001b[2J', '客户要求退款', '打印机着火了', '',
];

function word(rnd: () => number): string {
  const r = rnd();
  if (r < 0.04) return 'x'.repeat(Math.floor(rnd() * 6000));
  if (r < 0.1) return String.fromCharCode(...Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => Math.floor(rnd() * 0xffff)));
  return pick(rnd, WORDS);
}

export function randomCommand(rnd: () => number): string {
  const words = Array.from({ length: Math.floor(rnd() * 7) }, () => word(rnd));
  return `${pick(rnd, PREFIXES)}${pick(rnd, VERBS)} ${words.join(rnd() < 0.9 ? ' ' : '')}`.slice(0, 9_999);
}

const ACTIONS = ['claim', 'note', 'escalate', 'handoff', 'accept', 'decline', 'resolve', 'appeal', 'review', 'open', 'assign', 'wait', 'close', 'classify', 'unknown', '', '$where', 'ticket.claim'];
const KEYS = ['id', 'text', 'reason', 'department', 'person', 'penalty', 'appeal', 'decision', 'title', 'type', 'priority', 'score', '$gt', '_subject', 'constructor', '__proto__'];

export function randomAction(rnd: () => number): { id: string; values: Record<string, string> } {
  const values: Record<string, string> = {};
  for (let i = Math.floor(rnd() * 5); i > 0; i--) values[pick(rnd, KEYS)] = word(rnd).slice(0, 9_000);
  return { id: pick(rnd, ACTIONS), values };
}
