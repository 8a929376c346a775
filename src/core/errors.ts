// Errors the bot answers in words: a stable code (`ticket.already_claimed`) and
// the values the message needs. conversations/ turns them into the person's
// language; nothing below it formats chat text.
export class CodedError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'CodedError';
  }
}

export function isCodedError(err: unknown): err is CodedError {
  return err instanceof CodedError;
}
