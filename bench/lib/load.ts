// Load generation for the `slack-ack` suite, on node:http with a keep-alive
// Agent: signed Slack slash commands (`/ticket open …`, form-encoded, v0
// signature over the raw body at the current time, a fresh trigger_id each).
//
// Open loop: request i is due at start + i/rate whatever happened to the
// earlier ones (so a slow server cannot slow the offered load down and hide
// its queueing); its latency runs from that due moment to the complete
// response (and, in the detail, from the moment it was actually written).
// Closed loop: N workers, each sending its next request when the previous
// one is answered — the sustained throughput at N in flight.
import http from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { now } from './measure.js';

export interface Target {
  name: string;
  port: number;
  secret: string;
  /** Whether a 200 answer is the expected one (Duban's carries the new ticket id). */
  accept(status: number, body: string): boolean;
}

export interface CommandSource {
  /** The form body of the i-th command. */
  body(i: number): string;
}

export interface Result {
  sent: number;
  ok: number;
  /** Answered, but not with the expected answer. */
  bad: number;
  /** Socket errors and requests not answered within the timeout (open loop: within the deadline). */
  failed: number;
  /**
   * Open loop only: requests without the expected answer within the deadline (bad, failed or too late), counted in
   * `latencies` at the deadline, so a percentile that reaches them reads as the deadline (a lower bound).
   */
  censored: number;
  /** Latencies (ms) of the accepted answers: from the due moment (open loop) or from the write (closed loop). */
  latencies: number[];
  /** Open loop only: from the actual write. */
  fromWrite: number[];
  /** Open loop only: the most a write lagged behind its due moment (the generator's own delay). */
  maxSendLagMs: number;
  elapsedMs: number;
  firstBad?: string;
}

const FORM = 'application/x-www-form-urlencoded';
const run = randomBytes(3).toString('hex');
let triggerSeq = 0;

/** Slash-command bodies as Slack sends them; the users are linked people of the bench org, the channels a few ordinary ones. */
export function slashCommands(users: string[], channels: number, responseBase: string): CommandSource {
  return {
    body(i: number) {
      const user = users[i % users.length];
      const channel = `C0BENCH${String(i % channels).padStart(2, '0')}`;
      const trigger = `${Date.now()}.${run}.${++triggerSeq}`;
      return new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: 'T0BENCH',
        team_domain: 'bench',
        channel_id: channel,
        channel_name: `bench-${i % channels}`,
        user_id: user,
        user_name: user.toLowerCase(),
        command: '/ticket',
        text: `open Customer cannot log in after the password reset (bench ${i})`,
        api_app_id: 'A0DUBAN',
        is_enterprise_install: 'false',
        response_url: `${responseBase}/response/${trigger}`,
        trigger_id: trigger,
      }).toString();
    },
  };
}

function sign(secret: string, body: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return { 'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`, 'x-slack-request-timestamp': String(ts) };
}

function agentFor(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });
}

/** One signed POST to /slack/events; resolves with the status and body, or with status 0 on a socket error or timeout. */
function post(agent: http.Agent, target: Target, body: string, timeoutMs: number, onWritten?: () => void, abandonAt?: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    let abandon: NodeJS.Timeout | undefined;
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port: target.port,
        method: 'POST',
        path: '/slack/events',
        headers: { 'content-type': FORM, 'content-length': Buffer.byteLength(body), ...sign(target.secret, body) },
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          clearTimeout(abandon);
          resolve({ status: res.statusCode ?? 0, body: text });
        });
        res.on('error', () => resolve({ status: 0, body: 'response error' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      clearTimeout(abandon);
      resolve({ status: 0, body: err.message });
    });
    if (onWritten) req.on('finish', onWritten);
    if (abandonAt !== undefined) abandon = setTimeout(() => req.destroy(new Error('deadline')), Math.max(0, abandonAt - now()));
    req.end(body);
  });
}

function emptyResult(): Result {
  return { sent: 0, ok: 0, bad: 0, failed: 0, censored: 0, latencies: [], fromWrite: [], maxSendLagMs: 0, elapsedMs: 0 };
}

function record(r: Result, answer: { status: number; body: string }, target: Target, latency: number, fromWrite?: number): void {
  if (answer.status === 0) r.failed++;
  else if (!target.accept(answer.status, answer.body)) {
    r.bad++;
    r.firstBad ??= `${answer.status} ${answer.body.slice(0, 200)}`;
  } else {
    r.ok++;
    r.latencies.push(latency);
    if (fromWrite !== undefined) r.fromWrite.push(fromWrite);
  }
}

/** Slack gives a slash command 3 s; after that the user sees a timeout whatever the app does. */
export const SLACK_DEADLINE_MS = 3_000;

/**
 * Offers `rate` commands/s for `durationMs`, then waits for the answers. A request not answered `deadlineMs` after its
 * due moment is abandoned (its socket destroyed, as Slack gives up), so a server that cannot keep up does not leave
 * minutes of queued requests behind; it counts as censored at the deadline.
 */
export async function openLoop(target: Target, source: CommandSource, rate: number, durationMs: number, o: { deadlineMs?: number; offset?: number } = {}): Promise<Result> {
  const deadline = o.deadlineMs ?? SLACK_DEADLINE_MS;
  const agent = agentFor(512);
  const r = emptyResult();
  const total = Math.round((rate * durationMs) / 1000);
  const interval = 1000 / rate;
  const pending: Array<Promise<void>> = [];
  const start = now() + 5;
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const t = now();
      while (i < total && start + i * interval <= t) {
        const due = start + i * interval;
        const body = source.body((o.offset ?? 0) + i);
        let written = NaN;
        r.maxSendLagMs = Math.max(r.maxSendLagMs, now() - due);
        r.sent++;
        pending.push(
          post(agent, target, body, deadline, () => (written = now()), due + deadline).then((answer) => {
            const end = now();
            const before = r.ok;
            record(r, answer, target, end - due, end - (Number.isNaN(written) ? due : written));
            if (r.ok === before || end - due > deadline) {
              // Not the expected answer in time: censored at the deadline.
              if (r.ok !== before) {
                r.ok--;
                r.latencies.pop();
                r.fromWrite.pop();
                r.failed++;
              }
              r.censored++;
              r.latencies.push(deadline);
            }
          }),
        );
        i++;
      }
      if (i < total) setTimeout(tick, Math.max(0, Math.min(1, start + i * interval - now())));
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  r.elapsedMs = now() - start;
  agent.destroy();
  return r;
}

/** `concurrency` workers send back to back for `durationMs` (or until `count` answers); latencies from the write. */
export async function closedLoop(
  target: Target,
  source: CommandSource,
  concurrency: number,
  o: { durationMs?: number; count?: number; timeoutMs?: number; offset?: number; onProgress?: (done: number) => void },
): Promise<Result> {
  const agent = agentFor(concurrency);
  const r = emptyResult();
  const start = now();
  const deadline = o.durationMs !== undefined ? start + o.durationMs : Infinity;
  const limit = o.count ?? Infinity;
  let issued = 0;
  let done = 0;
  const worker = async () => {
    while (issued < limit && now() < deadline) {
      const i = issued++;
      r.sent++;
      const t = now();
      const answer = await post(agent, target, source.body((o.offset ?? 0) + i), o.timeoutMs ?? 10_000);
      record(r, answer, target, now() - t);
      done++;
      o.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  r.elapsedMs = now() - start;
  agent.destroy();
  return r;
}
