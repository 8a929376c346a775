// The baseline of the `slack-ack` suite: a bare Bolt HTTP app — the same
// @slack/bolt as Duban, its own HTTPReceiver on POST /slack/events with the
// same signing secret (signature checked by Bolt) — whose /ticket handler only
// acks. That is the framework's floor: everything Duban does on top of it
// (its own signature and timestamp check, identity, parsing, persisting the
// ticket before the ack) shows up as the difference.
// Started as `node --import tsx bench/lib/bare-bolt.ts` with PORT,
// SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL; prints `listening on <port>`.
import { App, LogLevel } from '@slack/bolt';

const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  token: process.env.SLACK_BOT_TOKEN!,
  logLevel: LogLevel.WARN,
  clientOptions: process.env.SLACK_API_URL ? { slackApiUrl: `${process.env.SLACK_API_URL.replace(/\/$/, '')}/` } : {},
});

app.command('/ticket', async ({ ack }) => {
  await ack();
});

await app.start(Number(process.env.PORT ?? 0));
console.log(`listening on ${process.env.PORT}`);
process.on('SIGTERM', () => {
  void app.stop().then(() => process.exit(0));
});
