// Microsoft Teams: Bot Framework activities at POST /api/messages on the shared
// HTTP server, and proactive posts/updates through the Teams connector. Every
// request is authenticated first (401 when the token cannot be verified, even
// when the signing keys cannot be fetched), de-duplicated by activity id (Teams
// re-sends an activity that took over 15 s), then run as one turn.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudAdapter, type Activity, type ConversationParameters, type ConversationReference, type InvokeResponse, type TurnContext } from 'botbuilder';
import { AuthenticationConstants, type AuthenticateRequestResult, type BotFrameworkAuthentication } from 'botframework-connector';
import { z } from 'zod';
import { DeliveryError, type ChatAdapter, type SentMessage } from '../../src/core/chat-adapter.js';
import type { Reply } from '../../src/core/card.js';
import type { ConversationRef } from '../../src/core/platform.js';
import { BodyError, readBody } from '../../src/http/body.js';
import { sendJson } from '../../src/http/server.js';
import type { AdapterOptions } from '../adapter-options.js';
import { createTeamsAuthentication, teamsAuthConfig } from './teams.auth.js';
import { toDeliveryError } from './teams.errors.js';
import { deliveryIdOf, fullConversationId } from './teams.parse.js';
import { ReferenceBook } from './teams.references.js';
import { renderReply } from './teams.render.js';
import { TeamsTurns } from './teams.turn.js';

export const TEAMS_MESSAGES_PATH = '/api/messages';

const account = z.looseObject({ id: z.string().min(1).max(1000), name: z.string().max(1000).optional(), aadObjectId: z.string().max(200).optional() });
const activitySchema = z.looseObject({
  type: z.string().min(1).max(100),
  id: z.string().max(1000).optional(),
  name: z.string().max(200).optional(),
  serviceUrl: z.string().url().max(2000),
  from: account,
  recipient: account,
  conversation: z.looseObject({ id: z.string().min(1).max(2000) }),
  text: z.string().max(100_000).optional(),
  entities: z.array(z.looseObject({})).max(200).optional(),
});

/** CloudAdapter with a way to run a turn on a request this adapter already authenticated. */
class TeamsCloudAdapter extends CloudAdapter {
  runTurn(auth: AuthenticateRequestResult, activity: Activity, logic: (turn: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

/** Turns already started, by delivery id: a re-sent activity waits for (and answers like) the first. */
class RecentTurns {
  private readonly turns = new Map<string, { at: number; result: Promise<InvokeResponse | undefined> }>();
  constructor(private readonly ttlMs = 15 * 60_000, private readonly max = 10_000) {}

  run(key: string, now: number, start: () => Promise<InvokeResponse | undefined>): Promise<InvokeResponse | undefined> {
    for (const [k, v] of this.turns) {
      if (v.at > now - this.ttlMs && this.turns.size <= this.max) break;
      this.turns.delete(k);
    }
    const seen = this.turns.get(key);
    if (seen) return seen.result;
    const result = start();
    this.turns.set(key, { at: now, result });
    // A turn that failed may be tried again by the next delivery.
    result.catch(() => this.turns.delete(key));
    return result;
  }

  clear(): void {
    this.turns.clear();
  }
}

const unauthorized = (res: ServerResponse) => sendJson(res, 401, { error: 'unauthorized: a valid Bot Framework token is required' });

export function createTeamsAdapter(options: AdapterOptions): ChatAdapter {
  const { env, http, context, logger, clock } = options;
  const config = teamsAuthConfig(env);
  const authenticated = Boolean(config.appId);
  const auth: BotFrameworkAuthentication = createTeamsAuthentication(config);
  const cloud = new TeamsCloudAdapter(auth);
  const references = new ReferenceBook(context.conversations, logger);
  const turns = new TeamsTurns({ context, references, clock, logger });
  const recent = new RecentTurns();
  const appId = config.appId ?? '';

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const authHeader = req.headers.authorization ?? '';
    if (authenticated && !authHeader) return unauthorized(res);
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, 512 * 1024)).toString('utf8'));
    } catch (err) {
      return sendJson(res, err instanceof BodyError ? err.status : 400, { error: err instanceof BodyError ? err.message : 'request body is not valid JSON' });
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return sendJson(res, 400, { error: 'request body must be a Bot Framework activity (a JSON object)' });
    let identity: AuthenticateRequestResult;
    try {
      identity = await auth.authenticateRequest(body as Activity, authHeader);
    } catch (err) {
      logger.warn({ reason: (err as Error)?.message }, 'Teams request refused: its token could not be verified');
      return unauthorized(res);
    }
    const parsed = activitySchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return sendJson(res, 400, { error: `not a Bot Framework activity: ${issue.path.join('.') || 'body'}: ${issue.message}` });
    }
    const activity = parsed.data as unknown as Activity;
    const run = () => cloud.runTurn(identity, activity, (turn) => turns.run(turn));
    const response = activity.id ? await recent.run(deliveryIdOf(parsed.data as never), clock.now().getTime(), run) : await run();
    if (response?.body !== undefined) return sendJson(res, response.status ?? 200, response.body);
    res.writeHead(response?.status ?? 200);
    res.end();
  }

  http.route('POST', TEAMS_MESSAGES_PATH, onRequest);

  /** A stored reference for a destination that came without one (a department's home channel from ORG_FILE). */
  async function complete(to: ConversationRef): Promise<ConversationRef> {
    if (to.extras?.serviceUrl) return to;
    const stored = (await references.get(`channel:${to.conversationId}`)) ?? (await references.get(`user:${to.conversationId}`));
    if (!stored?.extras?.serviceUrl) {
      throw new DeliveryError(`Teams conversation ${to.conversationId} is unknown: install Duban in that team or chat first`, { permanent: true });
    }
    return { ...stored, ...(to.threadId ? { threadId: to.threadId } : {}), extras: { ...stored.extras, ...to.extras } };
  }

  function botReference(ref: ConversationRef): Partial<ConversationReference> {
    const extras = ref.extras ?? {};
    return {
      channelId: 'msteams',
      serviceUrl: extras.serviceUrl,
      conversation: {
        id: fullConversationId(ref),
        isGroup: extras.conversationType !== 'personal',
        conversationType: extras.conversationType ?? 'channel',
        tenantId: extras.tenantId,
        name: '',
      },
      bot: { id: extras.botId ?? `28:${appId}`, name: extras.botName ?? '' },
    };
  }

  async function proactive(ref: ConversationRef, what: string, logic: (turn: TurnContext) => Promise<void>): Promise<void> {
    try {
      await cloud.continueConversationAsync(appId, botReference(ref), logic);
    } catch (err) {
      throw toDeliveryError(err, what);
    }
  }

  return {
    platform: 'teams',
    limits: { perConversationPerSecond: 7 },

    async start() {
      if (!authenticated) {
        logger.warn(
          '!!! Teams endpoint /api/messages is running WITHOUT authentication (no MICROSOFT_APP_ID): anyone who can reach it can act as anyone. Use this only for local testing with the Bot Framework Emulator. !!!',
        );
      } else {
        logger.info({ appType: config.appType }, `Teams endpoint ready at ${TEAMS_MESSAGES_PATH}`);
      }
    },

    async stop() {
      recent.clear();
    },

    async send(to: ConversationRef, reply: Reply): Promise<SentMessage> {
      const ref = await complete(to);
      let messageId: string | undefined;
      await proactive(ref, 'Teams send', async (turn) => {
        // A new post, not a reply to the SDK's made-up continuation activity: threading comes from the conversation id.
        turn.onSendActivities(async (_turn, activities, next) => {
          for (const activity of activities) delete activity.replyToId;
          return next();
        });
        messageId = (await turn.sendActivity(renderReply(reply)))?.id;
      });
      const { messageId: _source, ...conversation } = ref;
      return { platform: 'teams', conversation, ...(messageId ? { messageId } : {}) };
    },

    async update(message: SentMessage, reply: Reply): Promise<void> {
      if (!message.messageId) throw new DeliveryError('Teams update needs the message id', { permanent: true });
      const ref = await complete(message.conversation);
      const rendered = renderReply(reply);
      await proactive(ref, 'Teams update', async (turn) => {
        await turn.updateActivity({ ...rendered, attachments: rendered.attachments ?? [], id: message.messageId });
      });
    },

    async directConversation(platformUserId: string): Promise<ConversationRef> {
      const stored = await references.get(`user:${platformUserId}`);
      if (stored?.extras?.serviceUrl) return stored;
      const tenant = await references.tenant(config.tenantId);
      const serviceUrl = tenant?.extras?.serviceUrl;
      const tenantId = config.tenantId ?? tenant?.extras?.tenantId;
      if (!serviceUrl || !tenantId) {
        throw new DeliveryError('no Teams conversation with this person yet: they (or their team) need Duban installed first', { permanent: true });
      }
      const botId = tenant?.extras?.botId ?? `28:${appId}`;
      const parameters = { isGroup: false, bot: { id: botId, name: '' }, members: [{ id: platformUserId, name: '' }], tenantId, channelData: { tenant: { id: tenantId } } } as unknown as ConversationParameters;
      let created: ConversationRef | undefined;
      try {
        await cloud.createConversationAsync(appId, 'msteams', serviceUrl, AuthenticationConstants.ToChannelFromBotOAuthScope, parameters, async (turn) => {
          created = { platform: 'teams', conversationId: turn.activity.conversation.id, extras: { serviceUrl, tenantId, botId, conversationType: 'personal' } };
        });
      } catch (err) {
        throw toDeliveryError(err, 'Teams create conversation');
      }
      if (!created) throw new DeliveryError('Teams did not open a conversation with this person', { permanent: true });
      await references.save(`user:${platformUserId}`, created);
      return created;
    },
  };
}
