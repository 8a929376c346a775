// A tiny stand-in for Slack's Web API (and for response_url), in its own
// process so the load generator's clock is not disturbed by the bot's
// outgoing calls. Every method answers `ok` at once, with the fields the app
// reads (auth.test's ids, chat.postMessage's channel and ts, users.info's
// profile, conversations.open's channel). `GET /__stats` returns the call
// counts per method. Started as `node --import tsx bench/lib/fake-slack.ts
// --port <port>`; prints `listening on <url>`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';

const counts: Record<string, number> = {};
/** People a DM was opened with: conversations.open more often than this is the app asking again for a channel it had. */
const dmPeople = new Set<string>();
let seq = 0;
const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;

function answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
  switch (method) {
    case 'auth.test':
      return { ok: true, url: 'https://bench.slack.com/', team: 'Bench', user: 'duban', team_id: 'T0BENCH', user_id: 'UBOT0DUBAN', bot_id: 'BBOT0DUBAN' };
    case 'chat.postMessage':
      return { ok: true, channel: body.channel, ts: nextTs() };
    case 'chat.update':
      return { ok: true, channel: body.channel, ts: body.ts };
    case 'chat.postEphemeral':
      return { ok: true, message_ts: nextTs() };
    case 'conversations.open':
      return { ok: true, channel: { id: `D${String(body.users ?? 'X').slice(0, 10)}` } };
    case 'users.info':
      return { ok: true, user: { id: body.user, name: String(body.user), locale: 'en-US', profile: { display_name: String(body.user) } } };
    case 'chat.getPermalink':
      return { ok: true, permalink: `https://bench.slack.com/archives/${String(body.channel)}/p1` };
    default:
      return { ok: true };
  }
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/__stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ ...counts, 'conversations.open people': dmPeople.size }));
    }
    // The app is given the fake's root as its Web API URL, so methods arrive as `/chat.postMessage` (or `/api/…`).
    const method = path.startsWith('/response/') ? 'response_url' : path.replace(/^\/(api\/)?/, '');
    counts[method] = (counts[method] ?? 0) + 1;
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = (req.headers['content-type'] ?? '').includes('json') ? (JSON.parse(raw || '{}') as Record<string, unknown>) : (parseQuery(raw) as Record<string, unknown>);
    } catch {
      body = {};
    }
    if (method === 'conversations.open') dmPeople.add(String(body.users));
    const text = JSON.stringify(answer(method, body));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.keepAliveTimeout = 65_000;

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${actual}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
