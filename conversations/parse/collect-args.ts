// Maps typed words and flags onto a command's named arguments, or a card
// action's values onto the same names, so one schema validates both.
import { CodedError } from '../../src/core/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { splitWords, tokenize, TokenizeError, type Word } from './tokenize.js';

export function argsFromText(spec: CommandSpec, rest: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  let words: Word[];
  try {
    if (spec.flags) {
      const booleans = Object.entries(spec.flags).filter(([, kind]) => kind === 'boolean').map(([name]) => name);
      const tokens = tokenize(rest, booleans);
      for (const [name, value] of Object.entries(tokens.flags)) {
        if (!(name in spec.flags)) throw new CodedError('input.unknown_flag', { flag: name });
        if (spec.flags[name] === 'string' && value === true) throw new CodedError('input.flag_needs_value', { flag: name });
        args[name] = value;
      }
      words = tokens.words;
    } else {
      // Free text stays exactly as typed, `--` included.
      words = splitWords(rest);
    }
  } catch (err) {
    if (err instanceof TokenizeError) throw new CodedError('input.unclosed_quote');
    throw err;
  }
  spec.positional.forEach((name, i) => {
    if (words[i] !== undefined) args[name] = words[i].text;
  });
  const leftover = words.slice(spec.positional.length);
  if (leftover.length) {
    if (!spec.rest) throw new CodedError('input.unexpected', { words: leftover.map((w) => w.text).join(' ') });
    args[spec.rest] = asTyped(rest, leftover);
  }
  return args;
}

/**
 * The leftover words as the person typed them (quotes, braces and spacing
 * kept), skipping any flags in between. One quoted phrase loses its quotes:
 * `open "Printer on fire" --priority P1` has the title Printer on fire.
 */
function asTyped(rest: string, leftover: Word[]): string {
  if (leftover.length === 1 && leftover[0].quoted) return leftover[0].text;
  const segments: string[] = [];
  let runStart = leftover[0].start;
  let runEnd = leftover[0].end;
  for (const w of leftover.slice(1)) {
    // Adjacent in the original text when only spaces lie between them.
    if (/^\s*$/.test(rest.slice(runEnd, w.start))) runEnd = w.end;
    else {
      segments.push(rest.slice(runStart, runEnd));
      runStart = w.start;
      runEnd = w.end;
    }
  }
  segments.push(rest.slice(runStart, runEnd));
  return segments.join(' ');
}

export function argsFromAction(values: Record<string, string>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'string' && v.trim() !== '') args[k] = v;
  return args;
}
