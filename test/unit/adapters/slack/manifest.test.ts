// manifest.json is what a workspace admin installs: its command, shortcut and
// events must match what Duban registers and what the Slack adapter handles.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allCommands } from '../../../../conversations/commands/index.js';
import { MESSAGE_SHORTCUT_CALLBACK_ID, SLACK_EVENTS_PATH } from '../../../../adapters/slack/slack.adapter.js';
import { startSlackHarness, eventually, type SlackHarness } from '../../../support/slack-adapter-harness.js';
import { slackDirectMessage, slackEvent, slackHomeOpened, slackMention, slackMessageShortcut, type SlackRequest } from '../../../support/slack-requests.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
const verbs = new Set(allCommands().flatMap((c) => [c.name, ...c.aliases].map((v) => v.toLowerCase())));

describe('manifest.json', () => {
  it('declares exactly one slash command, /ticket', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/ticket']);
  });

  it('names only verbs the command registry has, in the usage hint and the description', () => {
    const [command] = manifest.features.slash_commands;
    const hinted = command.usage_hint.split('|').map((part: string) => part.trim().split(/\s+/)[0]);
    expect(hinted.length).toBeGreaterThan(2);
    expect(hinted.filter((v: string) => !verbs.has(v.toLowerCase()))).toEqual([]);
    // The description lists verbs after its colon: "Tickets with SLA clocks: open, claim, …".
    const listed = command.description.split(':')[1].split(',').map((v: string) => v.trim());
    expect(listed.length).toBeGreaterThan(2);
    expect(listed.filter((v: string) => !verbs.has(v.toLowerCase()))).toEqual([]);
  });

  it('sends commands, events and interactivity to the adapter’s endpoint', () => {
    const urls = [manifest.features.slash_commands[0].url, manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url];
    expect(new Set(urls).size).toBe(1);
    expect(urls[0].endsWith(SLACK_EVENTS_PATH)).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('asks for the scopes the adapter uses, with the Home and Messages tabs on', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'chat:write.public', 'im:write', 'im:history', 'app_mentions:read', 'users:read', 'users:read.email', 'channels:read', 'groups:read']),
    );
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    // Mentions in /ticket text arrive as <@U…> ids, which the directory resolves.
    expect(manifest.features.slash_commands[0].should_escape).toBe(true);
  });
});

describe('what manifest.json subscribes to is handled by the adapter', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
    h.context.people.set('U0SAM', { id: 'sam.taylor', name: 'Sam Taylor', locale: 'en' });
  });
  afterAll(async () => {
    await h.stop();
  });

  /** Something happened because of the request: a command ran, or Slack was asked to show something. */
  const effects = () => h.context.handled.length + h.api.calls.filter((c) => c.method.startsWith('views.')).length;

  const samples: Record<string, () => SlackRequest> = {
    app_mention: () => slackMention({ text: `<@${h.api.botUserId}> help`, userId: 'U0SAM' }),
    'message.im': () => slackDirectMessage({ text: 'help', userId: 'U0SAM' }),
    app_home_opened: () => slackHomeOpened({ userId: 'U0SAM' }),
  };

  it.each(manifest.settings.event_subscriptions.bot_events as string[])('event %s reaches a handler', async (name) => {
    const sample = samples[name];
    if (!sample) throw new Error(`manifest.json subscribes to ${name}, which the Slack adapter does not handle`);
    const before = effects();
    expect((await h.post(sample())).status).toBe(200);
    await eventually(() => effects() > before, `an effect of ${name}`);
  });

  it('an event nobody handles has no effect (so the check above can fail)', async () => {
    const before = effects();
    expect((await h.post(slackEvent({ type: 'reaction_added', user: 'U0SAM', reaction: 'eyes', item: { type: 'message', channel: 'C0X', ts: '1.2' } }))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 150));
    expect(effects()).toBe(before);
  });

  it('its message shortcut is the one the adapter handles, and opens the form', async () => {
    const ids = manifest.features.shortcuts.map((s: { callback_id: string }) => s.callback_id);
    expect(ids).toEqual([MESSAGE_SHORTCUT_CALLBACK_ID]);
    for (const callbackId of ids) {
      const before = h.api.callsTo('views.open').length;
      await h.post(slackMessageShortcut({ text: 'Printer jammed', userId: 'U0SAM', callbackId }));
      await h.api.waitForCalls('views.open', before + 1);
    }
    const before = h.api.callsTo('views.open').length;
    await h.post(slackMessageShortcut({ text: 'x', userId: 'U0SAM', callbackId: 'someone_elses_shortcut' }));
    await new Promise((r) => setTimeout(r, 150));
    expect(h.api.callsTo('views.open')).toHaveLength(before);
  });
});
