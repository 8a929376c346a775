// Several Duban processes (`src/main.ts`) on one database, the way they run
// behind a load balancer: the embedded server as its own process (or a real
// MongoDB when MONGODB_URI is set, in a database of its own), one fake Slack
// Web API they all send to, and a generated organisation and SLA policy.
// Each process gets its own bot token, so the fake Slack can tell which
// instance made each call.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from 'mongodb';
import { FakeSlackApi, type RecordedCall } from '../../doubles/fake-slack-api.js';
import { postSlack, slackCommand } from '../../support/slack-requests.js';
import { startSuiteDatabase, type SuiteDatabase } from '../../faults/harness/database.js';
import { BotProcess, freePort, tempDir } from '../../faults/harness/processes.js';

export const FULL = process.env.SCALE_PROFILE === 'full';

/**
 * `npm test` runs the small CI size (the file stays within about two minutes on two busy cores);
 * `npm run test:scale` (SCALE_PROFILE=full) the size the issue quotes. Every command opens a ticket,
 * so the commands are also the clocks. Departments are sized so that each person's direct-message
 * channel gets a handful of messages: at Slack's one message a second per channel, a few people
 * receiving everything would turn the run into a queue.
 */
export const PROFILE = FULL
  ? { name: 'full', commands: 1000, departments: 250, firstResponseSeconds: 30, concurrency: 8 }
  : { name: 'ci', commands: 150, departments: 40, firstResponseSeconds: 20, concurrency: 6 };

export const SECRET = 'scale-processes-signing-secret';
export const ADMIN_TOKEN = 'scale-processes-admin-token-0123';
/** Short enough that a killed instance's messages are taken over within the test, long enough to hold a lane's queue. */
export const OUTBOX_LEASE_MS = 10_000;

const pad = (n: number) => String(n).padStart(3, '0');
export const departmentId = (d: number) => `d${pad(d)}`;
/** The one person of department `d`: its lead, on duty, and a Slack user. */
export const agentSlackId = (d: number) => `U0A${pad(d)}`;
/** The direct-message channel the fake Slack opens for a user (`conversations.open`). */
export const dmChannel = (slackUserId: string) => `D${slackUserId.replace(/^U/, '')}`;

/** The organisation (YAML is a superset of JSON) and a policy whose first-response clock falls due in seconds. */
async function writeFiles(dir: string): Promise<{ orgFile: string; policyFile: string }> {
  const departments = [];
  const people: Array<Record<string, unknown>> = [
    { id: 'director', name: 'Director', roles: ['director'] },
    // No Slack identity: the supervisor of every lead would otherwise be one channel that everything queues for.
    { id: 'manager', name: 'Manager', roles: ['manager'], supervisor: 'director' },
    { id: 'admin', name: 'Admin', roles: ['admin'], slack: 'U0ADMIN' },
  ];
  for (let d = 0; d < PROFILE.departments; d++) {
    const person = `a${pad(d)}`;
    departments.push({ id: departmentId(d), name: `Department ${d}`, lead: person, manager: 'manager', onDuty: [person], calendar: '24x7' });
    people.push({ id: person, name: `Agent ${d}`, roles: ['supervisor', 'agent'], department: departmentId(d), supervisor: 'manager', slack: agentSlackId(d) });
  }
  const orgFile = path.join(dir, 'org.yaml');
  await writeFile(orgFile, JSON.stringify({ departments, people }));
  // One clock falls due per ticket: first response, reminder at half the target, breach at the target
  // (with its penalty). No re-nags, re-grades or escalation within the run, so the messages are known.
  const policyFile = path.join(dir, 'policy.yaml');
  await writeFile(
    policyFile,
    [
      'clocks:',
      '  first_response:',
      '    rules:',
      `      - target: ${PROFILE.firstResponseSeconds}s`,
      '  classification:',
      '    rules: []',
      'reminders:',
      '  at: 0.5',
      '  maxRenags: 0',
      '  escalateAt: 1000',
      // Breaches stay minor for the run: no re-grades trickling in after the milestones.
      'grades:',
      '  minorUpTo: 1000',
      '  moderateUpTo: 2000',
      '',
    ].join('\n'),
  );
  return { orgFile, policyFile };
}

export interface Instance {
  name: string;
  token: string;
  bot: BotProcess;
}

export class Cluster {
  readonly instances: Instance[] = [];

  private constructor(
    readonly database: SuiteDatabase,
    readonly slack: FakeSlackApi,
    private readonly files: { orgFile: string; policyFile: string },
    private readonly dir: { remove(): Promise<void> },
  ) {}

  static async start(): Promise<Cluster> {
    const dir = await tempDir('duban-scale');
    const files = await writeFiles(dir.path);
    const database = await startSuiteDatabase('scale_processes');
    const slack = await FakeSlackApi.start();
    return new Cluster(database, slack, files, dir);
  }

  db(): Promise<Db> {
    return this.database.db();
  }

  /** Starts `count` more bot processes at once and waits until each answers /readyz. */
  async add(count: number): Promise<Instance[]> {
    const added: Instance[] = [];
    for (let k = 0; k < count; k++) {
      const n = this.instances.length + 1;
      const token = `xoxb-scale-instance-${n}`;
      const bot = new BotProcess(await freePort(), {
        MONGODB_URI: this.database.uri,
        ORG_FILE: this.files.orgFile,
        POLICY_FILE: this.files.policyFile,
        ADMIN_TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_BOT_TOKEN: token,
        SLACK_API_URL: this.slack.baseUrl,
        // One person sends many commands here; the per-person limit is another test's subject.
        RATE_LIMIT_PER_MINUTE: '0',
        OUTBOX_LEASE_MS: String(OUTBOX_LEASE_MS),
      });
      const instance = { name: `bot${n}`, token, bot };
      this.instances.push(instance);
      added.push(instance);
    }
    await Promise.all(added.map((i) => i.bot.start()));
    return added;
  }

  live(): Instance[] {
    return this.instances.filter((i) => i.bot.running);
  }

  /** Which instance made a call to the fake Slack (by its bot token). */
  sender(call: RecordedCall): string {
    const auth = String(call.headers.authorization ?? '');
    return this.instances.find((i) => auth.endsWith(i.token))?.name ?? '?';
  }

  /** Error lines of every instance, for a failure message. */
  logs(): string {
    return this.instances.map((i) => `--- ${i.name}\n${i.bot.log.slice(-3000)}`).join('\n');
  }

  async stop(): Promise<void> {
    // SIGTERM: each instance lets go of its job locks and outbox leases on the way out.
    await Promise.allSettled(this.instances.map((i) => i.bot.kill('SIGTERM')));
    await this.slack.stop().catch(() => undefined);
    await this.database.close().catch(() => undefined);
    await this.dir.remove().catch(() => undefined);
  }
}

export interface Command {
  index: number;
  title: string;
  text: string;
  userId: string;
  channel: string;
  triggerId: string;
}

/** Command `i` of run `run`: from one department's agent, opening a ticket in another department, typed in a channel of its own. */
export function openCommand(run: string, i: number, responseUrl: (id: string) => string): Command & { responseUrl: string } {
  const d = i % PROFILE.departments;
  const title = `Scale ${run} ${i}`;
  return {
    index: i,
    title,
    text: `open ${title} --department ${departmentId(d)}`,
    userId: agentSlackId((d * 7 + 3) % PROFILE.departments),
    channel: `C0S${run.toUpperCase()}${i}`,
    triggerId: `scale.${run}.${i}`,
    responseUrl: responseUrl(`cmd-${run}-${i}`),
  };
}

export interface SendStats {
  requests: number;
  /** Copies that got no answer (their instance died) and were sent to another one, as a load balancer does. */
  failedOver: number;
  acknowledged: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends every command twice, each copy to a different instance picked at random among the live ones
 * (half of the commands both copies at once, half the second after the first was answered). A copy
 * that gets no 2xx goes to another live instance until one answers.
 */
export async function sendTwice(
  commands: Array<Command & { responseUrl: string }>,
  o: { live: () => Instance[]; random: () => number; concurrency: number; stats: SendStats; onAcknowledged?: (n: number) => void },
): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  const pick = (avoid?: Instance): Instance | undefined => {
    const live = o.live();
    const choices = live.length > 1 && avoid ? live.filter((i) => i !== avoid) : live;
    return choices[Math.floor(o.random() * choices.length)];
  };
  const copy = async (command: Command & { responseUrl: string }, first: Instance | undefined): Promise<Instance> => {
    let target = first;
    for (;;) {
      if (!target?.bot.running) target = pick(target);
      o.stats.requests++;
      const request = slackCommand({ text: command.text, userId: command.userId, channelId: command.channel, triggerId: command.triggerId, responseUrl: command.responseUrl });
      const status = target ? await postSlack(target.bot.baseUrl, request, { secret: SECRET }).then(async (r) => (await r.arrayBuffer(), r.status), () => 0) : 0;
      if (target && status >= 200 && status < 300) return target;
      if (Date.now() > deadline) throw new Error(`command ${command.index} never got a 2xx (last status ${status})`);
      o.stats.failedOver++;
      target = pick(target);
      await sleep(100 + o.random() * 200);
    }
  };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < commands.length; i = next++) {
      const command = commands[i];
      const a = pick();
      if (i % 2 === 0) {
        // Both copies at once, at two instances: the second arrives while the first is running.
        await Promise.all([copy(command, a), copy(command, pick(a))]);
      } else {
        // The platform's retry at another instance after the first was answered.
        const answered = await copy(command, a);
        await copy(command, pick(answered));
      }
      o.stats.acknowledged++;
      o.onAcknowledged?.(o.stats.acknowledged);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
}
