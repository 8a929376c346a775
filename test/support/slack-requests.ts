// Builders for the requests Slack sends to /slack/events, in the shapes of
// Slack's own payloads (form-encoded slash commands, `payload=` JSON for
// interactivity, JSON event envelopes), and the v0 request signature.
import { createHmac, randomBytes } from 'node:crypto';

export const TEAM_ID = 'T0TEST';
export const TEAM_DOMAIN = 'duban-test';
const FORM = 'application/x-www-form-urlencoded';

export interface SlackRequest {
  body: string;
  contentType: string;
}

const id = (prefix: string) => `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const payload = (p: unknown): SlackRequest => ({ body: form({ payload: JSON.stringify(p) }), contentType: FORM });

export function slackCommand(o: { text: string; userId?: string; channelId?: string; userName?: string; triggerId?: string; responseUrl?: string; command?: string }): SlackRequest {
  return {
    contentType: FORM,
    body: form({
      token: 'legacy-verification-token',
      team_id: TEAM_ID,
      team_domain: TEAM_DOMAIN,
      channel_id: o.channelId ?? 'C0TICKETS',
      channel_name: 'tickets',
      user_id: o.userId ?? 'U0TESTER',
      user_name: o.userName ?? 'tester',
      command: o.command ?? '/ticket',
      text: o.text,
      api_app_id: 'A0DUBAN',
      is_enterprise_install: 'false',
      response_url: o.responseUrl ?? 'https://hooks.slack.com/commands/T0TEST/1/x',
      trigger_id: o.triggerId ?? `${Date.now()}.${randomBytes(4).toString('hex')}`,
    }),
  };
}

export interface BlockActionOptions {
  userId?: string;
  channelId?: string;
  /** The clicked message (its ts and blocks, e.g. a card rendered by slack.render). */
  message?: { ts: string; blocks: unknown[]; thread_ts?: string };
  isEphemeral?: boolean;
  /** The clicked element. */
  action: { action_id: string; block_id?: string; type?: 'button' | 'static_select'; value?: string; selected_option?: { value: string } };
  /** Values typed into inputs: block id → action id → value. */
  state?: Record<string, Record<string, string>>;
  responseUrl?: string;
  actionTs?: string;
  /** A click on the Home tab instead of a message. */
  homeViewId?: string;
}

export function slackBlockAction(o: BlockActionOptions): SlackRequest {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [block, inputs] of Object.entries(o.state ?? {})) {
    values[block] = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { type: 'plain_text_input', value: v }]));
  }
  const action = { type: 'button', block_id: 'act:0', ...o.action, action_ts: o.actionTs ?? `${Math.floor(Date.now() / 1000)}.${randomBytes(3).readUIntBE(0, 3)}` };
  const user = { id: o.userId ?? 'U0TESTER', username: 'tester', name: 'tester', team_id: TEAM_ID };
  const common = { user, api_app_id: 'A0DUBAN', token: 'legacy-verification-token', trigger_id: `${Date.now()}.1.${randomBytes(4).toString('hex')}`, team: { id: TEAM_ID, domain: TEAM_DOMAIN }, actions: [action] };
  if (o.homeViewId) {
    return payload({ type: 'block_actions', ...common, container: { type: 'view', view_id: o.homeViewId }, view: { id: o.homeViewId, type: 'home', state: { values } } });
  }
  const message = o.message ?? { ts: '1700000000.000100', blocks: [] };
  return payload({
    type: 'block_actions',
    ...common,
    container: { type: 'message', message_ts: message.ts, channel_id: o.channelId ?? 'C0TICKETS', is_ephemeral: o.isEphemeral ?? false },
    channel: { id: o.channelId ?? 'C0TICKETS', name: 'tickets' },
    message: { type: 'message', user: 'UBOT0DUBAN', bot_id: 'BBOT0DUBAN', text: 'card', ...message },
    state: { values },
    response_url: o.responseUrl ?? 'https://hooks.slack.com/actions/T0TEST/1/x',
  });
}

export function slackViewSubmission(o: { userId?: string; viewId?: string; hash?: string; values: Record<string, string>; selects?: Record<string, string>; privateMetadata?: string; callbackId?: string }): SlackRequest {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(o.values)) values[`input:${name}`] = { [name]: { type: 'plain_text_input', value } };
  for (const [name, value] of Object.entries(o.selects ?? {})) values[`input:${name}`] = { [name]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } } };
  return payload({
    type: 'view_submission',
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    user: { id: o.userId ?? 'U0TESTER', username: 'tester', name: 'tester', team_id: TEAM_ID },
    api_app_id: 'A0DUBAN',
    token: 'legacy-verification-token',
    trigger_id: `${Date.now()}.2.${randomBytes(4).toString('hex')}`,
    view: {
      id: o.viewId ?? id('V'),
      team_id: TEAM_ID,
      type: 'modal',
      blocks: [],
      private_metadata: o.privateMetadata ?? '',
      callback_id: o.callbackId ?? 'ticket_open',
      state: { values },
      hash: o.hash ?? `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      title: { type: 'plain_text', text: 'Open a ticket' },
      root_view_id: null,
      app_id: 'A0DUBAN',
      bot_id: 'BBOT0DUBAN',
    },
    response_urls: [],
  });
}

export function slackMessageShortcut(o: { userId?: string; channelId?: string; text: string; ts?: string; callbackId?: string; teamDomain?: string }): SlackRequest {
  const ts = o.ts ?? '1700000100.000200';
  return payload({
    type: 'message_action',
    token: 'legacy-verification-token',
    action_ts: `${Math.floor(Date.now() / 1000)}.000001`,
    team: { id: TEAM_ID, domain: o.teamDomain ?? TEAM_DOMAIN },
    user: { id: o.userId ?? 'U0TESTER', name: 'tester' },
    channel: { id: o.channelId ?? 'C0TICKETS', name: 'tickets' },
    callback_id: o.callbackId ?? 'ticket_from_message',
    trigger_id: `${Date.now()}.3.${randomBytes(4).toString('hex')}`,
    message_ts: ts,
    message: { type: 'message', text: o.text, user: 'U0CUSTOMER', ts },
    response_url: 'https://hooks.slack.com/app/T0TEST/1/x',
  });
}

/** An Events API envelope around `event`. */
export function slackEvent(event: Record<string, unknown>, o: { eventId?: string } = {}): SlackRequest {
  return {
    contentType: 'application/json',
    body: JSON.stringify({
      token: 'legacy-verification-token',
      team_id: TEAM_ID,
      api_app_id: 'A0DUBAN',
      event: { event_ts: event.ts ?? '1700000200.000300', ...event },
      type: 'event_callback',
      authorizations: [{ team_id: TEAM_ID, user_id: 'UBOT0DUBAN', is_bot: true, is_enterprise_install: false }],
      event_id: o.eventId ?? id('Ev'),
      event_time: Math.floor(Date.now() / 1000),
    }),
  };
}

export function slackMention(o: { text: string; userId?: string; channelId?: string; ts?: string; threadTs?: string; eventId?: string }): SlackRequest {
  return slackEvent({ type: 'app_mention', user: o.userId ?? 'U0TESTER', text: o.text, ts: o.ts ?? '1700000200.000300', channel: o.channelId ?? 'C0TICKETS', ...(o.threadTs ? { thread_ts: o.threadTs } : {}) }, { eventId: o.eventId });
}

export function slackDirectMessage(o: { text: string; userId?: string; channelId?: string; eventId?: string; extra?: Record<string, unknown> }): SlackRequest {
  return slackEvent({ type: 'message', channel_type: 'im', user: o.userId ?? 'U0TESTER', text: o.text, ts: '1700000300.000400', channel: o.channelId ?? 'D0TESTER', ...o.extra }, { eventId: o.eventId });
}

export function slackHomeOpened(o: { userId?: string; tab?: 'home' | 'messages' } = {}): SlackRequest {
  return slackEvent({ type: 'app_home_opened', user: o.userId ?? 'U0TESTER', channel: 'D0TESTER', tab: o.tab ?? 'home' });
}

export function slackUrlVerification(challenge: string): SlackRequest {
  return { contentType: 'application/json', body: JSON.stringify({ token: 'legacy-verification-token', challenge, type: 'url_verification' }) };
}

/** The v0 signature headers Slack sends with `body` at `timestampSeconds`. */
export function signSlack(body: string, secret: string, timestampSeconds: number): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestampSeconds}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestampSeconds) };
}

/** Posts a signed request to `${baseUrl}/slack/events` (override the signature or time to test refusals). */
export async function postSlack(
  baseUrl: string,
  request: SlackRequest,
  o: { secret: string; timestampSeconds?: number; headers?: Record<string, string>; unsigned?: boolean },
): Promise<Response> {
  const ts = o.timestampSeconds ?? Math.floor(Date.now() / 1000);
  const signature = o.unsigned ? {} : signSlack(request.body, o.secret, ts);
  return fetch(`${baseUrl}/slack/events`, { method: 'POST', headers: { 'content-type': request.contentType, ...signature, ...o.headers }, body: request.body });
}
