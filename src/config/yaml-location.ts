// Where a key sits in a YAML (or JSON) file, so configuration errors can name
// the line — shared by the organisation and policy loaders.
import { isMap, isPair, isScalar, isSeq, type LineCounter, type parseDocument, type Node } from 'yaml';

/** `people[3].roles[0]`, `clocks.resolution.rules[2].target` */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

/** The line of `path` in the document: the key's line for a field, the item's line for a list entry (as far as it exists). */
export function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: readonly (string | number)[]): number {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === seg);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  return counter.linePos(offset).line;
}
