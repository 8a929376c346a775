// Splits a command line into words, keeping quoted strings together and
// recognising `--flag value`, `--flag=value` and bare `--flag`. Every word
// keeps its position, so free text can be taken back exactly as typed.
export interface Word {
  text: string;
  quoted: boolean;
  start: number;
  end: number;
}

export interface Tokens {
  /** Words that are not flags, in order. */
  words: Word[];
  /** Flag values; a flag given without a value is `true`. */
  flags: Record<string, string | true>;
}

const OPEN_QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '「': '」', '『': '』' };

export class TokenizeError extends Error {}

export function splitWords(input: string): Word[] {
  const out: Word[] = [];
  let i = 0;
  while (i < input.length) {
    while (i < input.length && /\s/.test(input[i])) i++;
    if (i >= input.length) break;
    const close = OPEN_QUOTES[input[i]];
    if (close) {
      const end = input.indexOf(close, i + 1);
      if (end < 0) throw new TokenizeError('unclosed_quote');
      out.push({ text: input.slice(i + 1, end), quoted: true, start: i, end: end + 1 });
      i = end + 1;
      continue;
    }
    const start = i;
    while (i < input.length && !/\s/.test(input[i])) i++;
    out.push({ text: input.slice(start, i), quoted: false, start, end: i });
  }
  return out;
}

/** Words and flags; `booleanFlags` never take a value. */
export function tokenize(input: string, booleanFlags: readonly string[] = []): Tokens {
  const words: Word[] = [];
  const flags: Record<string, string | true> = {};
  const parts = splitWords(input);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const flag = !part.quoted && /^--([a-zA-Z][\w-]*)(?:=(.*))?$/.exec(part.text);
    if (flag) {
      const name = flag[1].toLowerCase();
      const nextIsValue = i + 1 < parts.length && (parts[i + 1].quoted || !parts[i + 1].text.startsWith('--'));
      if (flag[2] !== undefined) flags[name] = flag[2];
      else if (booleanFlags.includes(name) || !nextIsValue) flags[name] = true;
      else flags[name] = parts[++i].text;
      continue;
    }
    words.push(part);
  }
  return { words, flags };
}
