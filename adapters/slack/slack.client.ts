// The Slack Web API client as the adapter uses it: one attempt per call (no
// SDK retries, rate-limited calls rejected rather than queued), because the
// outbox paces and retries. Failures become DeliveryErrors the outbox can act on.
import { LogLevel, webApi, type Logger as SlackLogger } from '@slack/bolt';
import { DeliveryError } from '../../src/core/chat-adapter.js';
import type { Logger } from '../../src/core/logger.js';

// The Web API package comes with Bolt; reaching it through Bolt keeps one version in play.
const { ErrorCode, WebClient } = webApi;
export type WebClient = webApi.WebClient;
type WebClientOptions = webApi.WebClientOptions;

/** Web API errors that no retry will fix: the destination is gone or the app may not post there. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'account_inactive',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'restricted_action',
  'user_not_found',
  'user_not_in_channel',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'team_access_not_granted',
  'ekm_access_denied',
  'cannot_dm_bot',
]);
/** Web API errors that say "try again later". */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'rate_limited']);

/** How long to wait when Slack says "rate limited" without a Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 1000;

/** Options shared by our client and Bolt's, so both talk to the same API base. */
export function webClientOptions(apiUrl: string | undefined, logger: SlackLogger): WebClientOptions {
  const options: WebClientOptions = {
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 10_000,
    logger,
  };
  if (apiUrl) options.slackApiUrl = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  return options;
}

export function createWebClient(token: string, apiUrl: string | undefined, logger: SlackLogger): WebClient {
  return new WebClient(token, webClientOptions(apiUrl, logger));
}

/** The Web API error code (`channel_not_found`) of a failed call, if Slack gave one. */
export function slackErrorCode(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } };
  return e?.code === ErrorCode.PlatformError ? e.data?.error : undefined;
}

/** Classifies a failed Web API call for the outbox. */
export function toDeliveryError(err: unknown, method: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  switch (e?.code) {
    case ErrorCode.RateLimitedError: {
      const seconds = Number(e.retryAfter);
      return new DeliveryError(`slack ${method}: rate limited`, { retryAfterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_RETRY_AFTER_MS, status: 429, cause: err });
    }
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      if (code === 'ratelimited' || code === 'rate_limited') return new DeliveryError(`slack ${method}: ${code}`, { retryAfterMs: DEFAULT_RETRY_AFTER_MS, cause: err });
      // Unknown platform errors are permanent too: the same request would get the same answer.
      return new DeliveryError(`slack ${method}: ${code}`, { permanent: PERMANENT.has(code) || !TRANSIENT.has(code), cause: err });
    }
    case ErrorCode.HTTPError: {
      const status = Number(e.statusCode);
      const transient = status >= 500 || status === 408;
      return new DeliveryError(`slack ${method}: HTTP ${status}`, { permanent: !transient, status, cause: err });
    }
    case ErrorCode.RequestError:
      return new DeliveryError(`slack ${method}: network error`, { cause: err });
    default:
      // A 429 without a usable Retry-After reaches us as a plain error from the SDK.
      if (/rate limit|retry header/i.test(e?.message ?? '')) return new DeliveryError(`slack ${method}: rate limited`, { retryAfterMs: DEFAULT_RETRY_AFTER_MS, status: 429, cause: err });
      return new DeliveryError(`slack ${method}: ${e?.message ?? 'failed'}`, { cause: err });
  }
}

/** Bolt and the Web API client log through the app's logger. */
export function slackLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack' });
  const line = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  let level: LogLevel = LogLevel.INFO;
  return {
    debug: (...args: unknown[]) => child.debug(line(args)),
    info: (...args: unknown[]) => child.info(line(args)),
    warn: (...args: unknown[]) => child.warn(line(args)),
    error: (...args: unknown[]) => child.error(line(args)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
