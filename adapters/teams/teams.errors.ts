// Failed Teams connector calls → DeliveryError, so the outbox knows whether to
// wait (429 with Retry-After), back off (5xx, network) or park (the bot was
// removed, the conversation is gone, the request itself is wrong).
import { DeliveryError } from '../../src/core/chat-adapter.js';

interface HeaderBag {
  get?(name: string): string | undefined | null;
  [name: string]: unknown;
}

function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } } | undefined;
  const status = e?.statusCode ?? e?.status ?? e?.response?.status;
  return typeof status === 'number' && status >= 100 ? status : undefined;
}

function header(err: unknown, name: string): string | undefined {
  const headers = (err as { response?: { headers?: HeaderBag } } | undefined)?.response?.headers;
  if (!headers) return undefined;
  const value = typeof headers.get === 'function' ? headers.get(name) : (headers[name] ?? headers[name.toLowerCase()]);
  return typeof value === 'string' ? value : undefined;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The connector's error code (`ConversationNotFound`, `BotNotInConversationRoster`…) when the body carries one. */
function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; body?: { error?: { code?: unknown } }; response?: { parsedBody?: { error?: { code?: unknown } } } };
  const code = e?.body?.error?.code ?? e?.response?.parsedBody?.error?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

export function toDeliveryError(err: unknown, what: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const status = statusOf(err);
  const code = codeOf(err);
  const detail = `${what} failed${status ? ` (HTTP ${status}${code && !/^\d+$/.test(code) ? ` ${code}` : ''})` : code ? ` (${code})` : ''}`;
  if (status === 429) {
    return new DeliveryError(`${detail}: rate limited by Teams`, { status, retryAfterMs: retryAfterMs(header(err, 'retry-after')) ?? 1000, cause: err });
  }
  if (status === 403 || status === 404 || status === 410) {
    return new DeliveryError(`${detail}: the conversation is gone or the bot was removed from it`, { status, permanent: true, cause: err });
  }
  if (status !== undefined && status >= 400 && status < 500 && status !== 408) {
    return new DeliveryError(`${detail}: Teams refused the message`, { status, permanent: true, cause: err });
  }
  // 5xx, 408, timeouts and network failures: worth another try later.
  return new DeliveryError(`${detail}: ${status ? 'Teams is unavailable' : (err as Error)?.message ?? 'network error'}`, { status, cause: err });
}
