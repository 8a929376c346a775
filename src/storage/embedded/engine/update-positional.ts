// Positional update paths: `$` (the element the query matched), `$[]` (every
// element) and `$[id]` (elements matched by arrayFilters), plus the mingo
// matchers shared with $pull.
import { Query } from 'mingo';
import { ErrorCodes, fail } from './errors.js';
import { formatElement, getField, isDocument, isIndex, isPositional } from './update-paths.js';

type Obj = Record<string, unknown>;

/** Query operators that apply to a value (so a condition like {$gt: 5} matches the element itself). */
export function isValueOperatorObject(v: unknown): v is Obj {
  if (!isDocument(v)) return false;
  const first = Object.keys(v)[0];
  return first !== undefined && first.startsWith('$') && !['$and', '$or', '$nor', '$expr', '$where', '$text', '$comment', '$jsonSchema'].includes(first);
}

function safeQuery(condition: Obj): Query {
  try {
    return new Query(condition);
  } catch (e) {
    return fail(ErrorCodes.BadValue, (e as Error).message);
  }
}

/** Matcher testing a query against a document. */
export function queryMatcher(condition: Obj): (doc: Obj) => boolean {
  const q = safeQuery(condition);
  return (doc) => q.test(doc);
}

/** Matcher for "the element is named `name` and satisfies `condition`" (array filters, wrapped $pull conditions). */
export function wrappedMatcher(name: string, condition: Obj): (el: unknown) => boolean {
  const q = safeQuery(condition);
  return (el) => q.test({ [name]: el });
}

const IDENT = /^[a-z][a-zA-Z0-9]*$/;

function filterIdentifier(filter: Obj): string | undefined {
  for (const key of Object.keys(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      const list = filter[key];
      if (Array.isArray(list) && isDocument(list[0])) return filterIdentifier(list[0]);
      continue;
    }
    return key.split('.')[0];
  }
  return undefined;
}

/** Compile arrayFilters to matchers keyed by identifier. */
export function compileArrayFilters(filters: unknown[] | undefined): Map<string, (el: unknown) => boolean> {
  const out = new Map<string, (el: unknown) => boolean>();
  for (const f of filters ?? []) {
    if (!isDocument(f)) fail(ErrorCodes.TypeMismatch, 'Each array filter must be an object');
    const ident = filterIdentifier(f);
    if (ident === undefined) fail(ErrorCodes.FailedToParse, 'Cannot use an expression without a top-level field name in arrayFilters');
    for (const key of Object.keys(f)) {
      if (key.startsWith('$')) continue;
      const other = key.split('.')[0];
      if (other !== ident) {
        fail(ErrorCodes.FailedToParse, `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${ident}' and '${other}'`);
      }
    }
    if (!IDENT.test(ident)) {
      fail(
        ErrorCodes.BadValue,
        `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${ident}'`,
      );
    }
    if (out.has(ident)) fail(ErrorCodes.FailedToParse, `Found multiple array filters with the same top-level field name ${ident}`);
    out.set(ident, wrappedMatcher(ident, f));
  }
  return out;
}

/** Conditions of the filter (top level and $and) that `$` would match against elements of the array at `arrayPath`. */
function positionalMatchers(query: Obj, arrayPath: string): Array<(el: unknown) => boolean> {
  const out: Array<(el: unknown) => boolean> = [];
  const visit = (q: Obj): void => {
    for (const [key, cond] of Object.entries(q)) {
      if (key === '$and' && Array.isArray(cond)) {
        for (const sub of cond) if (isDocument(sub)) visit(sub);
      } else if (key === arrayPath) {
        if (isDocument(cond) && '$elemMatch' in cond) {
          const { $elemMatch: em, ...rest } = cond;
          if (Object.keys(rest).length) out.push(wrappedMatcher('v', { v: rest }));
          if (isValueOperatorObject(em)) out.push(wrappedMatcher('v', { v: em }));
          else if (isDocument(em)) {
            const match = queryMatcher(em);
            out.push((el) => isDocument(el) && match(el));
          }
        } else {
          out.push(wrappedMatcher('v', { v: cond }));
        }
      } else if (key.startsWith(arrayPath + '.')) {
        out.push(wrappedMatcher('v', { ['v.' + key.slice(arrayPath.length + 1)]: cond }));
      }
    }
  };
  visit(query);
  return out;
}

const NO_POSITIONAL_MATCH = 'The positional operator did not find the match needed from the query.';

function positionalIndex(arr: unknown[], arrayPath: string, query: Obj | undefined): number {
  const matchers = query ? positionalMatchers(query, arrayPath) : [];
  if (!matchers.length) fail(ErrorCodes.BadValue, NO_POSITIONAL_MATCH);
  let idx = arr.findIndex((el) => matchers.every((m) => m(el)));
  // Without $elemMatch MongoDB reports the element matched by the last condition on the array.
  if (idx < 0) idx = arr.findIndex((el) => matchers[matchers.length - 1](el));
  if (idx < 0) fail(ErrorCodes.BadValue, NO_POSITIONAL_MATCH);
  return idx;
}

export interface ExpandContext {
  query?: Obj;
  filters: Map<string, (el: unknown) => boolean>;
}

/** Resolve positional parts against the document; returns every concrete path the update touches. */
export function expandPath(root: Obj, parts: string[], ctx: ExpandContext): string[][] {
  if (!parts.some(isPositional)) return [parts];
  const out: string[][] = [];
  const walk = (value: unknown, i: number, prefix: string[]): void => {
    if (i === parts.length) {
      out.push(prefix);
      return;
    }
    const part = parts[i];
    if (!isPositional(part)) {
      let next: unknown;
      if (Array.isArray(value)) next = isIndex(part) ? value[Number(part)] : undefined;
      else if (isDocument(value)) next = getField(value, part);
      walk(next, i + 1, [...prefix, part]);
      return;
    }
    const arrayPath = parts.slice(0, i).join('.');
    if (part === '$') {
      if (!Array.isArray(value)) fail(ErrorCodes.BadValue, NO_POSITIONAL_MATCH);
      const idx = positionalIndex(value, arrayPath, ctx.query);
      walk(value[idx], i + 1, [...prefix, String(idx)]);
      return;
    }
    if (value === undefined) {
      fail(ErrorCodes.BadValue, `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`);
    }
    if (!Array.isArray(value)) {
      fail(ErrorCodes.BadValue, `Cannot apply array updates to non-array element ${formatElement(prefix[prefix.length - 1], value)}`);
    }
    const ident = part.slice(2, -1);
    const match = ident ? ctx.filters.get(ident) : undefined;
    if (ident && !match) fail(ErrorCodes.BadValue, `No array filter found for identifier '${ident}' in path '${parts.join('.')}'`);
    value.forEach((el, k) => {
      if (!match || match(el)) walk(el, i + 1, [...prefix, String(k)]);
    });
  };
  walk(root, 0, []);
  return out;
}
