// Duban on Feishu (Lark). Webhook mode (default): events at POST /feishu/events
// and card callbacks at POST /feishu/cards on the shared HTTP server, each
// request authenticated by feishu.verify before the SDK's EventDispatcher and
// CardActionHandler see it. Long-connection mode (FEISHU_LONG_CONNECTION=true):
// the SDK's WSClient receives the same events and callbacks, no public URL.
// Outgoing: one SDK call per message (create, reply, patch), errors classified
// for the outbox.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CardActionHandler, Client, DefaultCache, Domain, EventDispatcher, LoggerLevel, WSClient } from '@larksuiteoapi/node-sdk';
import { DeliveryError, type ChatAdapter, type SentMessage } from '../../src/core/chat-adapter.js';
import type { Reply } from '../../src/core/card.js';
import type { ConversationRef } from '../../src/core/platform.js';
import type { Logger } from '../../src/core/logger.js';
import { BodyError, readBody } from '../../src/http/body.js';
import { sendJson } from '../../src/http/server.js';
import type { AdapterOptions } from '../adapter-options.js';
import { FeishuApi, type ReceiveIdType } from './feishu.api.js';
import { CardFlow } from './feishu.cards.js';
import { appLinkHost, BackgroundWork, directRef, EXTRAS, PLATFORM } from './feishu.flow.js';
import { MessageFlow } from './feishu.messages.js';
import { FeishuPeople } from './feishu.people.js';
import { cardFor, renderMessage } from './feishu.render.js';
import { verifyFeishuRequest, type FeishuEndpoint } from './feishu.verify.js';

/** Settings not (yet) in the validated environment schema. */

export interface FeishuTuning {
  /** How long a request may work before Feishu gets its answer (default 2.5 s). */
  ackBudgetMs?: number;
}

const BOT_INFO_RETRY_MS = 60_000;

export function createFeishuAdapter(options: AdapterOptions, tuning: FeishuTuning = {}): ChatAdapter {
  const { http, context, logger, clock } = options;
  const { env } = options;
  const appId = env.FEISHU_APP_ID;
  const appSecret = env.FEISHU_APP_SECRET;
  if (!appId || !appSecret) throw new Error('Feishu needs FEISHU_APP_ID and FEISHU_APP_SECRET (the app\'s 凭证与基础信息 page in the developer console)');
  const longConnection = env.FEISHU_LONG_CONNECTION === 'true';
  const domain = env.FEISHU_DOMAIN?.replace(/\/+$/, '') ?? Domain.Feishu;
  const sdkLogger = bridgeLogger(logger);
  const sdk = { loggerLevel: LoggerLevel.warn, logger: sdkLogger };
  // Its own token cache, so two apps (or two test servers) never share a tenant token.
  const client = new Client({ appId, appSecret, domain, cache: new DefaultCache(), ...sdk });
  const api = new FeishuApi(client);
  const secrets = { encryptKey: env.FEISHU_ENCRYPT_KEY, verificationToken: env.FEISHU_VERIFICATION_TOKEN };

  let botId: Promise<string | undefined> | undefined;
  let botInfoFailedAt = -Infinity;
  const botOpenId = (): Promise<string | undefined> => {
    if (!botId && Date.now() - botInfoFailedAt > BOT_INFO_RETRY_MS) {
      botId = api.botOpenId().catch((err: unknown) => {
        logger.warn({ err, platform: PLATFORM }, 'could not read the Feishu bot info (GET /open-apis/bot/v3/info); group mentions are recognised by position until it works');
        botInfoFailedAt = Date.now();
        botId = undefined;
        return undefined;
      });
    }
    return botId ?? Promise.resolve(undefined);
  };

  const work = new BackgroundWork(logger);
  const people = new FeishuPeople(context, api);
  const chatTypes = new Map<string, string>();
  const shared = { context, api, people, clock, logger, work, chatTypes, ackBudgetMs: tuning.ackBudgetMs };
  const messages = new MessageFlow({ ...shared, botOpenId, linkHost: appLinkHost(env.FEISHU_DOMAIN) });
  const cards = new CardFlow(shared);

  // The SDK routes by event type; authentication has already happened (feishu.verify or the socket).
  const events = new EventDispatcher(sdk).register({
    'im.message.receive_v1': (data: unknown) => messages.receive(data),
    'card.action.trigger': (data: unknown) => cards.click(data, false),
  } as never);
  const callbacks = new CardActionHandler(sdk, (data: Record<string, unknown>) => cards.click(data, !('schema' in data)));

  async function answer(req: IncomingMessage, res: ServerResponse, endpoint: FeishuEndpoint): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readBody(req, 1_000_000);
    } catch (err) {
      if (err instanceof BodyError) return sendJson(res, err.status, { error: err.message });
      throw err;
    }
    const verified = verifyFeishuRequest({ raw, headers: req.headers, secrets, now: clock.now(), endpoint });
    if (!verified.ok) {
      logger.warn({ platform: PLATFORM, endpoint, reason: verified.reason }, 'refused a Feishu request');
      return sendJson(res, verified.status, { error: verified.reason });
    }
    if (verified.challenge !== undefined) return sendJson(res, 200, { challenge: verified.challenge });
    // The SDK reads request headers from the prototype, as its own adaptors pass them.
    const data = Object.assign(Object.create({ headers: req.headers }) as object, verified.body);
    const result: unknown = endpoint === 'events' ? await events.invoke(data, { needCheck: false }) : await callbacks.invoke(data);
    sendJson(res, 200, result && typeof result === 'object' ? result : {});
  }

  if (!longConnection) {
    http.route('POST', '/feishu/events', (req, res) => answer(req, res, 'events'));
    http.route('POST', '/feishu/cards', (req, res) => answer(req, res, 'cards'));
  }
  let socket: WSClient | undefined;

  function receiveIdType(to: ConversationRef): ReceiveIdType {
    const given = to.extras?.[EXTRAS.receiveIdType];
    if (given === 'open_id' || given === 'union_id' || given === 'user_id' || given === 'email' || given === 'chat_id') return given;
    return to.conversationId.startsWith('ou_') ? 'open_id' : 'chat_id';
  }

  return {
    platform: PLATFORM,
    limits: { perConversationPerSecond: 5, perAppPerSecond: 50 },

    async start() {
      if (longConnection) {
        socket = new WSClient({ appId, appSecret, domain, ...sdk });
        await socket.start({ eventDispatcher: events });
        logger.info({ platform: PLATFORM }, 'Feishu: receiving events and card callbacks over the long connection');
      } else if (!secrets.encryptKey && !secrets.verificationToken) {
        logger.warn({ platform: PLATFORM }, 'FEISHU_ENCRYPT_KEY and FEISHU_VERIFICATION_TOKEN are not set: /feishu/events and /feishu/cards accept requests from anyone. Set both before going live.');
      } else if (!secrets.encryptKey) {
        logger.warn({ platform: PLATFORM }, 'FEISHU_ENCRYPT_KEY is not set: Feishu requests are not signed and are checked by the verification token only. Set an Encrypt Key (加密策略) to have them signed.');
      }
      void botOpenId();
    },

    async stop() {
      socket?.close({ force: true });
      await work.drain(5000);
    },

    async send(to: ConversationRef, reply: Reply): Promise<SentMessage> {
      const visibleTo = to.extras?.[EXTRAS.visibleTo];
      if (visibleTo) {
        try {
          // A card only that person sees; no message id is kept, since such cards cannot be patched.
          await api.ephemeral(to.conversationId, visibleTo, cardFor(reply));
          return { platform: PLATFORM, conversation: to };
        } catch (err) {
          if (!(err instanceof DeliveryError) || !err.permanent) throw err;
          // Not possible in this chat (a p2p chat, or the API is not enabled): say it in the direct chat.
          const dm = directRef(visibleTo);
          const messageId = await api.create('open_id', visibleTo, renderMessage(reply));
          return { platform: PLATFORM, conversation: dm, messageId };
        }
      }
      const body = renderMessage(reply);
      const messageId = to.threadId ? await api.reply(to.threadId, body, true) : await api.create(receiveIdType(to), to.conversationId, body);
      return { platform: PLATFORM, conversation: to, messageId };
    },

    async update(message: SentMessage, reply: Reply): Promise<void> {
      if (!message.messageId) return;
      await api.patch(message.messageId, cardFor(reply));
    },

    async directConversation(openId: string): Promise<ConversationRef> {
      return directRef(openId);
    },
  };
}

/** The SDK's log lines into Duban's logger; its request errors are summarised (they may carry tokens). */
function bridgeLogger(logger: Logger) {
  const summarise = (args: unknown[]) =>
    args
      .flat()
      .map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : safeJson(a)))
      .join(' ')
      .replace(/Bearer\s+[\w.-]+/gi, 'Bearer [redacted]')
      .slice(0, 600);
  return {
    // Failed calls are reported by the outbox with their classification; the SDK's own line is detail.
    error: (...args: unknown[]) => logger.warn({ platform: PLATFORM, sdk: summarise(args) }, 'Feishu SDK error'),
    warn: (...args: unknown[]) => logger.warn({ platform: PLATFORM, sdk: summarise(args) }, 'Feishu SDK warning'),
    info: (...args: unknown[]) => logger.debug({ platform: PLATFORM, sdk: summarise(args) }, 'Feishu SDK'),
    debug: (...args: unknown[]) => logger.debug({ platform: PLATFORM, sdk: summarise(args) }, 'Feishu SDK'),
    trace: (...args: unknown[]) => logger.trace({ platform: PLATFORM, sdk: summarise(args) }, 'Feishu SDK'),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (key, v: unknown) => (/^(authorization|app_secret|token|tenant_access_token)$/i.test(key) ? '[redacted]' : v));
  } catch {
    return String(value);
  }
}
