// Invisible characters that have no place in a command and can do harm once
// shown: control characters (terminal escape sequences in logs and exports,
// NUL bytes) and the bidirectional overrides, embeddings, isolates and marks
// that make a title display as something else ("Invoice ‮gnp.exe" reads
// "Invoice exe.png"). They are removed from what people type and click
// before anything is parsed or stored; tabs and line breaks stay.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function neutraliseText(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** The same for every value of a card action. */
export function neutraliseValues(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) out[neutraliseText(key)] = typeof value === 'string' ? neutraliseText(value) : value;
  return out;
}
