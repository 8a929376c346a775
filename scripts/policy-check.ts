// Validates a policy file offline: `npm run policy:check policy.yaml`.
// Prints `OK: <file>` and the effective targets per clock, or the one-line
// error (exit 1); without a file argument prints the usage (exit 2).
import { loadPolicy, PolicyError } from '../src/config/policy.loader.js';
import { formatDuration } from '../src/sla/duration.js';
import { describeCondition, ruleIdOf, type SlaPolicy } from '../src/sla/sla.policy.js';
import { CLOCK_NAMES } from '../src/tickets/ticket.machine.js';

const pct = (n: number) => `${Math.round(n * 1000) / 10} %`;

/** One row per rule, in matching order (first match wins), plus a few summary lines. */
function summarise(policy: SlaPolicy): string[] {
  const rows: string[][] = [['rule', 'basis', 'when', 'target']];
  for (const name of CLOCK_NAMES) {
    const { basis, rules } = policy.clocks[name];
    if (!rules.length) rows.push([name, basis, '(no rules: this clock is off)', '-']);
    rules.forEach((rule, i) => rows.push([ruleIdOf(name, i), basis, describeCondition(rule.when), formatDuration(rule.target)]));
  }
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  const table = rows.map((r) => r.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd());
  const { reminders: r, grades: g, consequences: c } = policy;
  const calendars = Object.keys(policy.calendars);
  return [
    ...table,
    '',
    `reminders: at ${pct(r.at)}, re-nag every ${formatDuration(r.renagEvery)} at most ${r.maxRenags} times, escalate at ${pct(r.escalateAt)}`,
    `grades: minor up to ${pct(g.minorUpTo)} over, moderate up to ${pct(g.moderateUpTo)} over, severe beyond` +
      (g.severeAlways.length ? ` or always for: ${g.severeAlways.map((w) => describeCondition(w)).join('; ')}` : ''),
    `consequences: ${(['minor', 'moderate', 'severe'] as const)
      .map((k) => `${k} ${c[k].warning} warning, ${c[k].points} points${c[k].fine !== undefined ? `, fine ${c[k].fine}` : ''}${c[k].hrReview ? ', HR review' : ''}`)
      .join('; ')}`,
    `calendars: ${calendars.length ? calendars.join(', ') : '(built-in only)'}`,
  ];
}

function main(args: string[]): number {
  const file = args[0];
  if (!file) {
    console.error('usage: npm run policy:check <policy.yaml|policy.json>');
    return 2;
  }
  try {
    const policy = loadPolicy(file);
    console.log([`OK: ${file}`, ...summarise(policy)].join('\n'));
    return 0;
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    console.error(err.message);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
