// Reads POLICY_FILE (YAML, or JSON by extension): a partial override of
// DEFAULT_POLICY (POLICY.md). A bad file stops start-up with one line naming the
// file, the line, the key path, the problem and the fix.
import { readFileSync } from 'node:fs';
import { formatPath, lineOf } from './yaml-location.js';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { showValue } from '../org/org.schema.js';
import { calendarsSchema } from '../sla/calendar/calendar.schema.js';
import { DURATION_HINT, DurationError, parseDuration } from '../sla/duration.js';
import { DEFAULT_POLICY, GRADES, type ClockPolicy, type SlaPolicy } from '../sla/sla.policy.js';
import { CLOCK_NAMES, type ClockName } from '../tickets/ticket.machine.js';
import { CHANNELS, COMPLEXITIES, INCIDENT_LEVELS, PRIORITIES, TICKET_TYPES, TIERS } from '../tickets/ticket.types.js';

export class PolicyError extends Error {
  constructor(message: string, readonly fileName: string, readonly line?: number, readonly path?: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

type Path = (string | number)[];
interface Issue { path: Path; message: string }
type Check<T> = (value: unknown) => { ok: T } | { problem: string; at?: number };

/** A field checked by a function, so every message is ours (no "Invalid input"). */
function field<T>(check: Check<T>) {
  return z.unknown().transform((value, ctx): T => {
    const r = check(value);
    if ('ok' in r) return r.ok;
    ctx.addIssue({ code: 'custom', message: r.problem, input: value, ...(r.at !== undefined && { path: [r.at] }) });
    return z.NEVER;
  });
}

/** A mapping whose misspelt keys are errors listing the allowed ones. */
function strict<S extends z.ZodRawShape>(shape: S, what = 'key') {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown ${what} '${iss.keys[0]}'; use one of ${allowed}` : undefined),
  });
}

const durationText = field<string>((v) => {
  if (v === undefined) return { problem: 'target is missing; add e.g. target: 30min' };
  if (typeof v !== 'string') {
    return { problem: `expected a duration, got ${typeof v === 'number' ? `the number ${v}; add a unit, e.g. ${v}min` : `${showValue(v)}; ${DURATION_HINT}`}` };
  }
  try {
    parseDuration(v, 'working');
    return { ok: v.trim() };
  } catch (err) {
    return { problem: (err as DurationError).message };
  }
});
/** Durations outside clocks count working time unless they say "calendar". */
const duration = durationText.transform((text) => parseDuration(text, 'working'));

/** A number from 0 to `max`; `80%` is read as 0.8 unless `percent` is false. */
const fraction = (example: string, max = Infinity, percent = true) =>
  field<number>((v) => {
    const n = percent && typeof v === 'string' && /^\s*\d+(\.\d+)?\s*%\s*$/.test(v) ? parseFloat(v) / 100 : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) return { problem: `${showValue(v)} is not a number; write e.g. ${example}` };
    if (n < 0 || n > max) return { problem: `${n} is ${n < 0 ? 'negative' : `more than ${max}`}; write e.g. ${example}` };
    return { ok: n };
  });

const whole = (min: number, max: number, example: number) =>
  field<number>((v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? { ok: v }
      : { problem: `${showValue(v)} is not a whole number from ${min} to ${max}; write e.g. ${example}` },
  );

/** One allowed value, or a list of them (kept as written). */
function oneOrMany<T extends string | number>(values: readonly T[], what: string) {
  return field<T | T[]>((v) => {
    const list: unknown[] = Array.isArray(v) ? v : [v];
    if (!list.length) return { problem: `empty list; give at least one ${what} or remove the key` };
    const bad = list.findIndex((item) => !(values as readonly unknown[]).includes(item));
    if (bad < 0) return { ok: v as T | T[] };
    return { problem: `${showValue(list[bad])} is not a ${what}; use one of ${values.join(', ')}`, ...(Array.isArray(v) && { at: bad }) };
  });
}

const choice = <T extends string | boolean>(values: readonly T[], what: string) =>
  field<T>((v) => ((values as readonly unknown[]).includes(v) ? { ok: v as T } : { problem: `${showValue(v)} is not ${what}; use ${values.join(' or ')}` }));

const condition = strict(
  {
    type: oneOrMany(TICKET_TYPES, 'ticket type').optional(),
    priority: oneOrMany(PRIORITIES, 'priority').optional(),
    tier: oneOrMany(TIERS, 'customer tier').optional(),
    complexity: oneOrMany(COMPLEXITIES, 'complexity').optional(),
    channel: oneOrMany(CHANNELS, 'channel').optional(),
    incidentLevel: oneOrMany(INCIDENT_LEVELS, 'incident level').optional(),
  },
  'condition',
);

const clockSchema = strict({
  basis: choice(['working', 'calendar'] as const, 'a basis').optional(),
  rules: z.array(strict({ when: condition.optional(), target: durationText })).optional(),
});

const consequence = strict({
  warning: choice(['verbal', 'written'] as const, 'a warning').optional(),
  points: whole(0, 100, 2).optional(),
  fine: fraction('200', Infinity, false).optional(),
  hrReview: choice([true, false], 'true or false').optional(),
});

export const policyFileSchema = strict({
  clocks: strict(Object.fromEntries(CLOCK_NAMES.map((name) => [name, clockSchema.optional()])) as Record<ClockName, z.ZodOptional<typeof clockSchema>>, 'clock').optional(),
  reminders: strict({
    at: fraction('0.8 (or 80%)').optional(),
    renagEvery: duration.optional(),
    maxRenags: whole(0, 100, 8).optional(),
    escalateAt: fraction('1.5 (or 150%)').optional(),
  }).optional(),
  grades: strict({
    minorUpTo: fraction('0.25 (or 25%)').optional(),
    moderateUpTo: fraction('1.0 (or 100%)').optional(),
    severeAlways: z.array(condition).optional(),
  }).optional(),
  consequences: strict({ minor: consequence.optional(), moderate: consequence.optional(), severe: consequence.optional() }, 'grade').optional(),
  jointLiability: strict({ supervisorGradeDrop: whole(0, 2, 1).optional(), inactionWindow: duration.optional() }).optional(),
  appeals: strict({ window: duration.optional(), reviewerReminder: duration.optional(), escalateAfter: duration.optional() }).optional(),
  retraining: strict({
    threshold: whole(1, 100, 3).optional(),
    windowDays: whole(1, 366, 30).optional(),
    minGrade: choice(GRADES, 'a grade').optional(),
  }).optional(),
  scorecard: strict({ quality: fraction('0.4', 1).optional(), efficiency: fraction('0.3', 1).optional(), satisfaction: fraction('0.3', 1).optional() }).optional(),
  records: strict({ retainYears: whole(1, 100, 3).optional(), flaggedRetainYears: whole(1, 100, 5).optional(), accessLogYears: whole(1, 100, 5).optional() }).optional(),
  calendars: calendarsSchema.optional(),
});

export type PolicyFile = z.output<typeof policyFileSchema>;

/** `{...base, ...over}` without the keys `over` leaves undefined. */
function merge<T extends object>(base: T, over: Partial<T> | undefined): T {
  if (!over) return base;
  return { ...base, ...Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined)) };
}

/** The file's overrides on top of `base`: a clock's `rules` replace its list, other keys merge. */
export function mergePolicy(base: SlaPolicy, file: PolicyFile): SlaPolicy {
  const clocks = { ...base.clocks };
  for (const name of CLOCK_NAMES) {
    const over = file.clocks?.[name];
    if (!over) continue;
    const basis = over.basis ?? base.clocks[name].basis;
    // Targets without "working"/"calendar" follow the clock's basis, so a new basis re-reads the kept rules too.
    const rules = (over.rules ?? base.clocks[name].rules.map((r) => ({ ...r, target: r.target.text }))).map((r) => ({
      ...(r.when && { when: r.when }),
      target: parseDuration(r.target, basis),
    }));
    clocks[name] = { basis, rules } satisfies ClockPolicy;
  }
  const c = file.consequences;
  return {
    clocks,
    reminders: merge(base.reminders, file.reminders),
    grades: merge(base.grades, file.grades),
    consequences: {
      minor: merge(base.consequences.minor, c?.minor),
      moderate: merge(base.consequences.moderate, c?.moderate),
      severe: merge(base.consequences.severe, c?.severe),
    },
    jointLiability: merge(base.jointLiability, file.jointLiability),
    appeals: merge(base.appeals, file.appeals),
    retraining: merge(base.retraining, file.retraining),
    scorecard: merge(base.scorecard, file.scorecard),
    records: merge(base.records, file.records),
    calendars: { ...base.calendars, ...Object.fromEntries((file.calendars ?? []).map((spec) => [spec.id, spec])) },
  };
}

/** Rules the merged policy must satisfy as a whole; each issue points at a key the file sets. */
function crossCheck(policy: SlaPolicy, file: PolicyFile): Issue[] {
  const issues: Issue[] = [];
  const at = (section: string, keys: string[]): Path => {
    const given = file[section as keyof PolicyFile] as Record<string, unknown> | undefined;
    const key = [...keys].reverse().find((k) => given?.[k] !== undefined);
    return key ? [section, key] : [section];
  };
  for (const name of CLOCK_NAMES) {
    const rules = file.clocks?.[name]?.rules ?? [];
    const open = rules.findIndex((r) => !r.when || Object.values(r.when).every((v) => v === undefined));
    if (open >= 0 && open < rules.length - 1) {
      issues.push({ path: ['clocks', name, 'rules', open], message: `this rule has no 'when', so it matches every ticket and the ${rules.length - 1 - open} rule(s) after it never apply; move it last or add a when` });
    }
  }
  const r = policy.reminders;
  if (!(r.at > 0 && r.at < 1)) issues.push({ path: at('reminders', ['at']), message: `${r.at} must be above 0 and below 1 (the reminder comes before the breach); write e.g. at: 0.8 (or 80%)` });
  if (!(r.escalateAt > 1)) issues.push({ path: at('reminders', ['escalateAt']), message: `${r.escalateAt} must be above 1 (escalation comes after the breach); write e.g. escalateAt: 1.5 (or 150%)` });
  const g = policy.grades;
  if (!(g.minorUpTo > 0)) issues.push({ path: at('grades', ['minorUpTo']), message: `${g.minorUpTo} must be above 0; write e.g. minorUpTo: 0.25 (or 25%)` });
  if (!(g.moderateUpTo > g.minorUpTo)) {
    issues.push({ path: at('grades', ['minorUpTo', 'moderateUpTo']), message: `grade thresholds must ascend, but minorUpTo ${g.minorUpTo} is not below moderateUpTo ${g.moderateUpTo}; write e.g. minorUpTo: 0.25, moderateUpTo: 1.0` });
  }
  const s = policy.scorecard;
  const sum = s.quality + s.efficiency + s.satisfaction;
  if (Math.abs(sum - 1) > 1e-9) {
    issues.push({ path: ['scorecard'], message: `the weights add up to ${+sum.toFixed(4)} (quality ${s.quality} + efficiency ${s.efficiency} + satisfaction ${s.satisfaction}); make them add up to 1, e.g. 0.4, 0.3, 0.3` });
  }
  const rec = policy.records;
  if (rec.flaggedRetainYears < rec.retainYears) {
    issues.push({ path: at('records', ['retainYears', 'flaggedRetainYears']), message: `flaggedRetainYears ${rec.flaggedRetainYears} is below retainYears ${rec.retainYears}; flagged records are kept at least as long` });
  }
  return issues;
}

/** Message for zod's own issues (a section that is not a mapping, a list that is not a list). */
function shapeMessage(iss: z.core.$ZodRawIssue): string | undefined {
  if (iss.code === 'invalid_value') return `${showValue(iss.input)} is not allowed here; use one of ${iss.values.join(', ')}`;
  if (iss.code === 'invalid_key') return `${showValue(iss.input)} is not a valid name: ${iss.issues[0]?.message ?? 'use letters, digits, dot, dash or underscore'}`;
  if (iss.code !== 'invalid_type') return undefined;
  const key = iss.path?.[iss.path.length - 1];
  if (iss.input === undefined && typeof key === 'string') return `required key '${key}' is missing; add it`;
  const want = iss.expected === 'array' ? 'a list' : iss.expected === 'object' || iss.expected === 'record' ? 'a mapping (key: value lines)' : iss.expected;
  return `expected ${want}, got ${showValue(iss.input)}`;
}

function fail(fileName: string, message: string, line?: number, path: Path = []): never {
  const where = line !== undefined ? ` line ${line}` : '';
  const key = path.length ? `${formatPath(path)}: ` : '';
  throw new PolicyError(`${fileName}${where}: ${key}${message}`, fileName, line, formatPath(path));
}

/** Parses and validates policy text (YAML, or JSON when `format` says so) onto DEFAULT_POLICY; throws PolicyError with one line. */
export function parsePolicyText(text: string, fileName = 'POLICY_FILE', format: 'yaml' | 'json' = 'yaml', base: SlaPolicy = DEFAULT_POLICY): SlaPolicy {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  let raw: unknown;
  if (format === 'json') {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      const msg = (err as Error).message;
      const pos = /position (\d+)/.exec(msg);
      const line = pos ? counter.linePos(Number(pos[1])).line : undefined;
      fail(fileName, `JSON syntax error: ${msg.replace(/ in JSON at position \d+.*$/, '')}; check the commas, quotes and brackets there`, line);
    }
  } else {
    const syntax = doc.errors[0];
    if (syntax) {
      const line = syntax.linePos?.[0]?.line ?? counter.linePos(syntax.pos[0]).line;
      const what = syntax.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '');
      const fix = syntax.code === 'DUPLICATE_KEY' ? 'remove or merge the repeated key' : 'check the indentation and quoting there';
      fail(fileName, `YAML syntax error: ${what}; ${fix}`, line);
    }
    try {
      raw = doc.toJS();
    } catch (err) {
      fail(fileName, `YAML error: ${(err as Error).message.split('\n')[0]}`, 1);
    }
  }
  // An empty file (or only comments) changes nothing.
  if (raw === null || raw === undefined) return base;
  // JSON text is YAML too, so the same document gives line numbers for both formats.
  const locate = (path: Path) => (doc.errors.length ? undefined : lineOf(doc, counter, path));
  const result = policyFileSchema.safeParse(raw, { error: shapeMessage });
  if (!result.success) {
    const issues = result.error.issues.map((iss) => {
      const path = [...(iss.path as Path), ...(iss.code === 'unrecognized_keys' ? [iss.keys[0]] : [])];
      return { path, message: iss.message, line: locate(path) };
    });
    // The problem nearest the top first, so fixing top-down works.
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const first = issues[0];
    fail(fileName, first.message, first.line, first.path);
  }
  const policy = mergePolicy(base, result.data);
  const problem = crossCheck(policy, result.data)[0];
  if (problem) fail(fileName, problem.message, locate(problem.path), problem.path);
  return policy;
}

/** The policy in force: DEFAULT_POLICY without a file, else the file (YAML, or JSON for `.json`) merged onto it. */
export function loadPolicy(path?: string): SlaPolicy {
  if (path === undefined || path.trim() === '') return DEFAULT_POLICY;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found; check POLICY_FILE or unset it to use the default policy' : `cannot read it (${code ?? String(err)})`;
    throw new PolicyError(`${path}: ${why}`, path);
  }
  return parsePolicyText(text, path, extname(path).toLowerCase() === '.json' ? 'json' : 'yaml');
}
