// Splits a command line into words, keeping quoted strings together and
// recognising `--flag value`, `--flag=value` and bare `--flag`.
export interface Tokens {
  words: string[];
  flags: Record<string, string | true>;
  /** The text after the verb exactly as typed (for free-text arguments). */
  raw: string[];
}

const OPEN_QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '「': '」', '『': '』' };

export class TokenizeError extends Error {}

export function splitWords(input: string): Array<{ text: string; quoted: boolean; start: number }> {
  const out: Array<{ text: string; quoted: boolean; start: number }> = [];
  let i = 0;
  while (i < input.length) {
    while (i < input.length && /\s/.test(input[i])) i++;
    if (i >= input.length) break;
    const close = OPEN_QUOTES[input[i]];
    if (close) {
      const end = input.indexOf(close, i + 1);
      if (end < 0) throw new TokenizeError('unclosed_quote');
      out.push({ text: input.slice(i + 1, end), quoted: true, start: i });
      i = end + 1;
      continue;
    }
    const start = i;
    while (i < input.length && !/\s/.test(input[i])) i++;
    out.push({ text: input.slice(start, i), quoted: false, start });
  }
  return out;
}

/** Words and flags; `booleanFlags` never take a value. Unknown flags are kept so the command can name them. */
export function tokenize(input: string, booleanFlags: readonly string[] = []): Tokens {
  const words: string[] = [];
  const raw: string[] = [];
  const flags: Record<string, string | true> = {};
  const parts = splitWords(input);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const flag = !part.quoted && /^--?([a-zA-Z][\w-]*)(?:=(.*))?$/.exec(part.text);
    if (flag && part.text.startsWith('--')) {
      const name = flag[1].toLowerCase();
      if (flag[2] !== undefined) flags[name] = flag[2];
      else if (booleanFlags.includes(name) || i + 1 >= parts.length || (!parts[i + 1].quoted && parts[i + 1].text.startsWith('--'))) flags[name] = true;
      else flags[name] = parts[++i].text;
      continue;
    }
    words.push(part.text);
    raw.push(part.quoted ? part.text : part.text);
  }
  return { words, flags, raw };
}
