// Server-side errors carry MongoDB's numeric codes and names, so drivers and
// mongoose raise exactly the errors they would against a real server.
export const ErrorCodes = {
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidIdField: 53,
  DollarPrefixedFieldName: 52,
  NoSuchKey: 4,
  OperationFailed: 96,
  NotSingleValueField: 54,
  EmptyFieldName: 56,
  InvalidPipelineOperator: 168,
  UnknownField: 40415,
  UnrecognizedPipelineStage: 40324,
  DuplicateKey: 11000,
  ChangeStreamNotSupported: 40573,
  Unauthorized: 13,
  CommandNotSupported: 115,
  InternalError: 1,
  InvalidLength: 16,
} as const;

const names: Record<number, string> = Object.fromEntries(Object.entries(ErrorCodes).map(([k, v]) => [v, k]));

export class MongoCommandError extends Error {
  readonly codeName: string;
  constructor(
    readonly code: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.codeName = names[code] ?? 'Location' + code;
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

export function fail(code: number, message: string, extra?: Record<string, unknown>): never {
  throw new MongoCommandError(code, message, extra);
}
