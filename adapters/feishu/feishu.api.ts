// The few Feishu open-platform calls Duban makes, through the SDK client (which
// fetches and caches the tenant access token). Each call is one attempt: a
// failure becomes a DeliveryError that tells the outbox whether to wait
// (rate limit), back off (5xx, network) or give up (bot not in the chat…).
import type { Client } from '@larksuiteoapi/node-sdk';
import { DeliveryError } from '../../src/core/chat-adapter.js';
import type { FeishuCard, FeishuMessageBody } from './feishu.render.js';

/** Feishu codes meaning "too many requests" (app, tenant, chat or user level). */
const RATE_LIMIT_CODES = new Set([99991400, 230020, 11232, 11233]);
/**
 * Codes a retry cannot fix: the bot is not in the chat or the chat is gone (230002, 230001),
 * the user is outside the app's availability (230013), no permission or scope (230027,
 * 99991672, 99991679), a bad card (230099), a withdrawn message (230011).
 */
const PERMANENT_CODES = new Set([230001, 230002, 230006, 230011, 230013, 230017, 230027, 230099, 230110, 99991672, 99991679, 99992402]);
/** Codes for a token that went bad: the next attempt fetches a fresh one. */
const TRANSIENT_CODES = new Set([99991663, 99991661, 99991664, 99991665, 99991677, 90235, 1]);

interface ApiFailure {
  status?: number;
  code?: number;
  msg?: string;
  headers?: Record<string, unknown>;
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const getter = (headers as { get?: (n: string) => unknown }).get;
  const v = typeof getter === 'function' ? getter.call(headers, name) : headers[name];
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? String(v[0]) : String(v);
}

/** `x-ogw-ratelimit-reset` (seconds) or `Retry-After` (seconds or a date); one second when neither says. */
export function retryAfterMs(headers: Record<string, unknown> | undefined, now = Date.now()): number {
  const reset = Number(headerValue(headers, 'x-ogw-ratelimit-reset'));
  if (Number.isFinite(reset) && reset >= 0) return Math.max(Math.ceil(reset * 1000), 100);
  const retry = headerValue(headers, 'retry-after');
  if (retry !== undefined) {
    const seconds = Number(retry);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.max(Math.ceil(seconds * 1000), 100);
    const at = Date.parse(retry);
    if (!Number.isNaN(at)) return Math.max(at - now, 100);
  }
  return 1000;
}

/** Classifies a failed call (an axios error from the SDK, or a 200 answer with a non-zero code). */
export function toDeliveryError(what: string, err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const failure = describe(err);
  const label = `Feishu ${what} failed${failure.status ? ` (HTTP ${failure.status}` : ' ('}${failure.code !== undefined ? `${failure.status ? ', ' : ''}code ${failure.code}` : ''}${failure.msg ? `: ${failure.msg}` : ''})`.replace(' ()', '');
  const base = { status: failure.status, cause: err };
  if (failure.status === 429 || (failure.code !== undefined && RATE_LIMIT_CODES.has(failure.code))) {
    return new DeliveryError(label, { ...base, retryAfterMs: retryAfterMs(failure.headers) });
  }
  if (failure.code !== undefined && TRANSIENT_CODES.has(failure.code)) return new DeliveryError(label, base);
  if (failure.code !== undefined && PERMANENT_CODES.has(failure.code)) return new DeliveryError(label, { ...base, permanent: true });
  // No answer at all (connection refused, reset, timeout) or a server-side failure: try again later.
  if (failure.status === undefined && failure.code === undefined) return new DeliveryError(label, base);
  if (failure.status !== undefined && (failure.status >= 500 || failure.status === 408)) return new DeliveryError(label, base);
  // Any other 4xx (or a business error code on a 200): the same request would fail again.
  return new DeliveryError(label, { ...base, permanent: true });
}

function describe(err: unknown): ApiFailure {
  if (err && typeof err === 'object') {
    const e = err as { response?: { status?: number; data?: unknown; headers?: Record<string, unknown> }; code?: unknown; msg?: unknown; message?: unknown };
    if (e.response) {
      const data = e.response.data as { code?: unknown; msg?: unknown } | undefined;
      return {
        status: e.response.status,
        code: typeof data?.code === 'number' ? data.code : undefined,
        msg: typeof data?.msg === 'string' ? data.msg : undefined,
        headers: e.response.headers,
      };
    }
    if (typeof e.code === 'number') return { code: e.code, msg: typeof e.msg === 'string' ? e.msg : undefined };
    return { msg: typeof e.message === 'string' ? e.message : String(err) };
  }
  return { msg: String(err) };
}

interface Answer<T> {
  code?: number;
  msg?: string;
  data?: T;
}

/** Throws the classified error unless Feishu answered `code: 0`. */
async function call<T>(what: string, run: () => Promise<Answer<T> | undefined>): Promise<T | undefined> {
  let answer: Answer<T> | undefined;
  try {
    answer = await run();
  } catch (err) {
    throw toDeliveryError(what, err);
  }
  if (!answer || (answer.code !== undefined && answer.code !== 0)) throw toDeliveryError(what, { code: answer?.code ?? -1, msg: answer?.msg ?? 'empty answer' });
  return answer.data;
}

export type ReceiveIdType = 'chat_id' | 'open_id' | 'union_id' | 'user_id' | 'email';

export interface FetchedMessage {
  msgType: string;
  content: string;
  link?: string;
  senderId?: string;
}

export interface UserProfile {
  name?: string;
  email?: string;
}

export class FeishuApi {
  constructor(private readonly client: Client) {}

  async create(receiveIdType: ReceiveIdType, receiveId: string, body: FeishuMessageBody): Promise<string | undefined> {
    const data = await call('message create', () => this.client.im.v1.message.create({ params: { receive_id_type: receiveIdType }, data: { receive_id: receiveId, ...body } }));
    return data?.message_id;
  }

  async reply(messageId: string, body: FeishuMessageBody, inThread: boolean): Promise<string | undefined> {
    const data = await call('message reply', () => this.client.im.v1.message.reply({ path: { message_id: messageId }, data: { ...body, reply_in_thread: inThread } }));
    return data?.message_id;
  }

  async patch(messageId: string, card: FeishuCard): Promise<void> {
    await call('message patch', () => this.client.im.v1.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(card) } }));
  }

  /** A card only `openId` sees inside a group chat. */
  async ephemeral(chatId: string, openId: string, card: FeishuCard): Promise<string | undefined> {
    const data = await call<{ message_id?: string }>('ephemeral send', () =>
      this.client.request({ method: 'POST', url: '/open-apis/ephemeral/v1/send', data: { chat_id: chatId, open_id: openId, msg_type: 'interactive', card } }),
    );
    return data?.message_id;
  }

  async message(messageId: string): Promise<FetchedMessage | undefined> {
    const data = await call('message get', () => this.client.im.v1.message.get({ path: { message_id: messageId } }));
    const item = data?.items?.[0];
    if (!item?.body?.content) return undefined;
    const link = (item as { message_app_link?: string }).message_app_link;
    return { msgType: item.msg_type ?? 'text', content: item.body.content, link, senderId: item.sender?.id };
  }

  async profile(openId: string): Promise<UserProfile | undefined> {
    const data = await call('user get', () => this.client.contact.v3.user.get({ path: { user_id: openId }, params: { user_id_type: 'open_id' } }));
    const user = data?.user;
    if (!user) return undefined;
    return { name: user.name, email: user.enterprise_email || user.email || undefined };
  }

  /** The bot's own open_id, to recognise its @mention in group messages. */
  async botOpenId(): Promise<string | undefined> {
    let answer: { code?: number; msg?: string; bot?: { open_id?: string } } | undefined;
    try {
      answer = await this.client.request({ method: 'GET', url: '/open-apis/bot/v3/info' });
    } catch (err) {
      throw toDeliveryError('bot info', err);
    }
    if (!answer || answer.code !== 0) throw toDeliveryError('bot info', { code: answer?.code ?? -1, msg: answer?.msg });
    return answer.bot?.open_id;
  }
}
