// `expectError` assertions of the unified test format, for errors thrown by
// the `mongodb` driver.
import { MongoBulkWriteError, MongoError, MongoServerError } from 'mongodb';
import { assertMatches, MatchError, show } from './matcher.js';
import { bulkWriteResult } from './operations.js';
import type { Doc, ExpectedError } from './spec-types.js';

/** Throws a MatchError when `err` does not satisfy `expected`. */
export function checkExpectedError(err: unknown, expected: ExpectedError): void {
  const failures: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) failures.push(what);
  };
  const server = err instanceof MongoServerError;

  if (expected.isClientError !== undefined) {
    expect(expected.isClientError === !server, expected.isClientError ? 'expected a client-side error' : 'expected a server error');
  }
  if (expected.errorContains !== undefined) {
    const wanted = expected.errorContains.toLowerCase();
    expect(messages(err).some((m) => m.toLowerCase().includes(wanted)), `expected a message containing "${expected.errorContains}"`);
  }
  if (expected.errorCode !== undefined) {
    expect(server && codes(err).includes(expected.errorCode), `expected error code ${expected.errorCode}, got ${codes(err).join(', ') || 'none'}`);
  }
  if (expected.errorCodeName !== undefined) {
    const wanted = expected.errorCodeName.toLowerCase();
    expect(server && codeNames(err).includes(wanted), `expected code name ${expected.errorCodeName}`);
  }
  for (const label of expected.errorLabelsContain ?? []) {
    expect(err instanceof MongoError && err.hasErrorLabel(label), `expected error label ${label}`);
  }
  for (const label of expected.errorLabelsOmit ?? []) {
    expect(!(err instanceof MongoError && err.hasErrorLabel(label)), `expected no error label ${label}`);
  }
  if (expected.errorResponse !== undefined) {
    const response = server ? (err as MongoServerError).errorResponse : undefined;
    tryMatch(failures, 'errorResponse', () => assertMatches(expected.errorResponse, response, { level: 'root' }));
  }
  if (expected.expectResult !== undefined) {
    const result = err instanceof MongoBulkWriteError && err.result ? bulkWriteResult(err.result) : undefined;
    tryMatch(failures, 'expectResult', () => assertMatches(expected.expectResult, result, { level: 'root' }));
  }
  for (const key of ['isTimeoutError', 'writeErrors', 'writeConcernErrors'] as const) {
    if (expected[key] !== undefined) throw new Error(`expectError.${key} is not supported by this runner`);
  }
  if (failures.length > 0) throw new MatchError(`${failures.join('; ')}; the error was ${describeError(err)}`);
}

function tryMatch(failures: string[], what: string, run: () => void): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof MatchError)) throw e;
    failures.push(`${what} ${e.message}`);
  }
}

function writeErrors(err: unknown): Doc[] {
  return err instanceof MongoBulkWriteError ? (err.writeErrors as unknown as Doc[]) : [];
}

function messages(err: unknown): string[] {
  const own = err instanceof Error ? [err.message] : [String(err)];
  const wce = (err as Doc)?.writeConcernError?.errmsg;
  return [...own, ...writeErrors(err).map((w) => String(w.errmsg)), ...(wce ? [String(wce)] : [])];
}

function codes(err: unknown): number[] {
  const e = err as Doc;
  const all = [e?.code, e?.errorResponse?.code, e?.writeConcernError?.code, ...writeErrors(err).map((w) => w.code)];
  return [...new Set(all.filter((c): c is number => typeof c === 'number'))];
}

function codeNames(err: unknown): string[] {
  const e = err as Doc;
  return [e?.codeName, e?.errorResponse?.codeName, e?.writeConcernError?.codeName]
    .filter((n): n is string => typeof n === 'string')
    .map((n) => n.toLowerCase());
}

/** Class, code and message of an error, for failure reports. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return show(err);
  const e = err as Doc;
  const code = e.code !== undefined ? ` code=${e.code}${e.codeName ? `(${e.codeName})` : ''}` : '';
  const we = writeErrors(err).map((w) => `{index:${w.index}, code:${w.code}, errmsg:${JSON.stringify(w.errmsg)}}`);
  return `${err.name}${code}: ${err.message}${we.length ? ` writeErrors=[${we.join(', ')}]` : ''}`;
}
