// With SLACK_APP_TOKEN the adapter talks to Slack over Socket Mode (Bolt's
// receiver): no public URL, nothing served at /slack/events. The fake Slack
// plays the WebSocket end.
import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { startSlackHarness, eventually, type SlackHarness } from '../../../support/slack-adapter-harness.js';
import { slackCommand, slackMention } from '../../../support/slack-requests.js';

let h: SlackHarness;
beforeEach(async () => {
  h = await startSlackHarness({}, { socketMode: true });
  h.context.people.set('U0SAM', { id: 'sam.taylor', name: 'Sam Taylor', locale: 'en' });
});
afterEach(async () => {
  await h.stop();
});

const fields = (form: string) => Object.fromEntries(new URLSearchParams(form));

describe('Socket Mode', () => {
  it('start() connects with the app token and serves no HTTP endpoint', async () => {
    const [open] = h.api.callsTo('apps.connections.open');
    expect(open.headers.authorization).toBe('Bearer xapp-test-token');
    expect(h.api.connections).toBe(1);
    const res = await fetch(`${h.baseUrl}/slack/events`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });

  it('a slash command over the socket is handled and acknowledged with the private reply', async () => {
    h.context.script = [{ text: 'Claimed T-5.', private: true }];
    h.api.push({ envelope_id: 'env-cmd-1', type: 'slash_commands', accepts_response_payload: true, payload: fields(slackCommand({ text: 'claim T-5', userId: 'U0SAM', triggerId: '7.8.9' }).body) });
    await eventually(() => h.api.socketMessages.some((m) => m.envelope_id === 'env-cmd-1'), 'the acknowledgement');
    expect(h.api.socketMessages.find((m) => m.envelope_id === 'env-cmd-1')?.payload).toMatchObject({ response_type: 'ephemeral', text: 'Claimed T-5.' });
    expect(h.context.handled[0]).toMatchObject({ text: 'claim T-5', deliveryId: 'slack:cmd:T0TEST:7.8.9', actor: { personId: 'sam.taylor' } });
  });

  it('an event over the socket is acknowledged at once and applied once when Slack retries it', async () => {
    h.context.script = [{ text: 'Noted.', private: true }];
    const envelope = JSON.parse(slackMention({ text: `<@${h.api.botUserId}> note T-5 called`, userId: 'U0SAM', eventId: 'Ev0SOCK' }).body);
    h.api.push({ envelope_id: 'env-evt-1', type: 'events_api', accepts_response_payload: false, retry_attempt: 0, payload: envelope });
    h.api.push({ envelope_id: 'env-evt-2', type: 'events_api', accepts_response_payload: false, retry_attempt: 1, retry_reason: 'timeout', payload: envelope });
    await eventually(() => h.context.handled.length === 2 && h.api.socketMessages.filter((m) => m.envelope_id?.startsWith('env-evt')).length === 2, 'both deliveries');
    expect(h.context.applied()).toEqual(['slack:evt:Ev0SOCK']);
    await h.api.waitForCalls('chat.postEphemeral');
    await new Promise((r) => setTimeout(r, 100));
    expect(h.api.callsTo('chat.postEphemeral')).toHaveLength(1);
  });

  it('stop() disconnects', async () => {
    await h.adapter.stop();
    await eventually(() => h.api.connections === 0, 'the socket to close');
  });
});
