// Maps typed words and flags onto a command's named arguments, or a card
// action's values onto the same names, so one schema validates both.
import { CodedError } from '../../src/core/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { splitWords, tokenize, TokenizeError } from './tokenize.js';

export function argsFromText(spec: CommandSpec, rest: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  let words: string[];
  try {
    if (spec.flags) {
      const booleans = Object.entries(spec.flags).filter(([, kind]) => kind === 'boolean').map(([name]) => name);
      const tokens = tokenize(rest, booleans);
      for (const [name, value] of Object.entries(tokens.flags)) {
        if (!(name in spec.flags)) throw new CodedError('input.unknown_flag', { flag: name });
        args[name] = value;
      }
      words = tokens.words;
    } else {
      // Free text stays exactly as typed, `--` included.
      words = splitWords(rest).map((w) => w.text);
    }
  } catch (err) {
    if (err instanceof TokenizeError) throw new CodedError('input.unclosed_quote');
    throw err;
  }
  spec.positional.forEach((name, i) => {
    if (words[i] !== undefined) args[name] = words[i];
  });
  const leftover = words.slice(spec.positional.length);
  if (leftover.length) {
    if (!spec.rest) throw new CodedError('input.unexpected', { words: leftover.join(' ') });
    args[spec.rest] = restText(rest, spec.positional.length, !!spec.flags, leftover);
  }
  return args;
}

/** The rest of the line after the positional words, with its own spacing, unless flags were interleaved. */
function restText(rest: string, skip: number, hasFlags: boolean, leftover: string[]): string {
  if (hasFlags) return leftover.join(' ');
  const parts = splitWords(rest);
  const from = parts[skip];
  if (!from) return leftover.join(' ');
  const text = rest.slice(from.start).trim();
  // A single quoted rest ("like this") loses its quotes.
  return parts.length === skip + 1 && from.quoted ? from.text : text;
}

export function argsFromAction(values: Record<string, string>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'string' && v.trim() !== '') args[k] = v;
  return args;
}
