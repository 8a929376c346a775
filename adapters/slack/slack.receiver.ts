// Bolt's receiver for HTTP mode, mounted on Duban's one HTTP server instead
// of a server of its own. Each request is checked before Bolt sees it
// (signature and a timestamp window in both directions, slack.verify.ts); a
// refused request gets 401 and is neither handled nor stored.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { App, Receiver } from '@slack/bolt';
import type { Clock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/logger.js';
import { BodyError, readBody } from '../../src/http/body.js';
import { sendJson, type HttpServer } from '../../src/http/server.js';
import { verifySlackRequest } from './slack.verify.js';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slack's own body limit is far lower; anything bigger is not from Slack. */
const BODY_LIMIT_BYTES = 1_000_000;
/** Slack wants an answer within 3 s; a listener that has not acked by then gets an empty 200. */
const ACK_DEADLINE_MS = 2_900;

export interface HttpReceiverDeps {
  http: HttpServer;
  signingSecret: string;
  clock: Clock;
  logger: Logger;
}

type Body = Record<string, unknown>;

/** Form bodies carry either a slash command's fields or a JSON `payload` (interactivity). */
export function parseSlackBody(raw: Buffer, contentType: string | undefined): Body {
  const text = raw.toString('utf8');
  if ((contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    const form = parseQuery(text);
    if (typeof form.payload === 'string') return JSON.parse(form.payload) as Body;
    const out: Body = {};
    for (const [k, v] of Object.entries(form)) out[k] = Array.isArray(v) ? v[0] : v;
    return out;
  }
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SyntaxError('body is not a JSON object');
  return parsed as Body;
}

function ackBody(res: ServerResponse, body: unknown): void {
  if (res.headersSent) return;
  if (body === undefined || body === '') {
    res.writeHead(200);
    res.end();
  } else if (typeof body === 'string') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(body);
  } else sendJson(res, 200, body);
}

export class SharedHttpReceiver implements Receiver {
  private app?: App;

  constructor(private readonly deps: HttpReceiverDeps) {
    deps.http.route('POST', SLACK_EVENTS_PATH, (req, res) => this.handle(req, res));
  }

  init(app: App): void {
    this.app = app;
  }

  // The shared server is started and stopped by the app, not by the receiver.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { logger } = this.deps;
    let raw: Buffer;
    try {
      raw = await readBody(req, BODY_LIMIT_BYTES);
    } catch (err) {
      if (err instanceof BodyError) return sendJson(res, err.status, { error: err.message });
      throw err;
    }
    const contentType = req.headers['content-type'];
    // Slack's SSL check may come unsigned; it carries nothing to handle, so it only gets its 200.
    if (contentType?.startsWith('application/x-www-form-urlencoded') && /^(?:token=[^&]*&)?ssl_check=1(?:&token=[^&]*)?$/.test(raw.toString('utf8'))) {
      res.writeHead(200);
      res.end();
      return;
    }
    const verdict = verifySlackRequest({ signingSecret: this.deps.signingSecret, headers: req.headers, rawBody: raw, now: this.deps.clock.now() });
    if (!verdict.ok) {
      logger.warn({ reason: verdict.reason }, 'refused a Slack request');
      return sendJson(res, 401, { error: verdict.reason });
    }
    let body: Body;
    try {
      body = parseSlackBody(raw, contentType);
    } catch {
      return sendJson(res, 400, { error: 'body is neither a Slack form nor a JSON object' });
    }
    if (body.type === 'url_verification') return sendJson(res, 200, { challenge: typeof body.challenge === 'string' ? body.challenge : '' });
    if (!this.app) return sendJson(res, 503, { error: 'Slack is not ready yet' });

    let acked = false;
    const answer = (response?: unknown) => {
      if (acked) return;
      acked = true;
      clearTimeout(deadline);
      ackBody(res, response);
    };
    // Bolt acknowledges events, clicks and form submissions before their listener runs. Slack's 200
    // is held back until the listener has handed the command over (which stores it), so a crash in
    // between leaves Slack to deliver it again instead of losing it. Slash commands ack themselves.
    const holdAck = body.type === 'event_callback' || body.type === 'block_actions' || body.type === 'view_submission';
    let processed = false;
    let held: { response?: unknown } | undefined;
    const ack = async (response?: unknown) => {
      if (holdAck && !processed) held ??= { response };
      else answer(response);
    };
    const deadline = setTimeout(() => {
      if (acked) return;
      logger.warn({ type: body.type }, 'a Slack request was not acknowledged in time; answered with an empty 200');
      answer(held?.response);
    }, ACK_DEADLINE_MS);
    const retry = req.headers['x-slack-retry-num'];
    const retryReason = req.headers['x-slack-retry-reason'];
    try {
      await this.app.processEvent({
        body,
        ack,
        retryNum: typeof retry === 'string' ? Number.parseInt(retry, 10) : undefined,
        retryReason: typeof retryReason === 'string' ? retryReason : undefined,
      });
    } catch (err) {
      logger.error({ err }, 'Slack request failed');
      if (!acked) {
        acked = true;
        clearTimeout(deadline);
        sendJson(res, 500, { error: 'internal error' });
      }
      return;
    }
    processed = true;
    // Nothing listened (an event type we do not handle): a 200 stops Slack from retrying it.
    answer(held?.response);
  }
}
