// The Teams app package users upload to Teams: manifest.json (schema 1.17),
// the two icons, zipped. The bot's command list comes from the command
// registry; the "Create ticket" message action files any message as a ticket.
// The manifest is checked against the rules Teams enforces before it is written.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { z } from 'zod';
import type { Env } from '../../src/config/env.js';
import type { CommandSpec } from '../../conversations/command-spec.js';
import { translate } from '../../conversations/messages/index.js';
import { ACCENT_COLOR, colorIcon, outlineIcon } from './teams.icons.js';

export const MANIFEST_VERSION = '1.17';
export const MANIFEST_SCHEMA = `https://developer.microsoft.com/en-us/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;
export const CREATE_TICKET_COMMAND = 'createTicket';
export const PACKAGE_FILE = 'duban-teams.zip';

/** The commands shown in Teams' command menu, most used first (Teams shows at most 10 per list). */
const MENU_ORDER = ['open', 'claim', 'list', 'show', 'note', 'escalate', 'handoff', 'resolve', 'close', 'help'];
const MAX_MENU = 10;

export class TeamsPackageError extends Error {}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guid = (what: string) => z.string().regex(GUID, `${what} must be a GUID like 00000000-0000-0000-0000-000000000000`);
const httpsUrl = z.string().url().startsWith('https://', 'must be an https:// URL').max(2048);
const scope = z.enum(['personal', 'team', 'groupChat']);

/** The part of the Teams manifest schema 1.17 that Duban writes, with Teams' own limits. */
export const manifestSchema = z.strictObject({
  $schema: z.literal(MANIFEST_SCHEMA),
  manifestVersion: z.literal(MANIFEST_VERSION),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'version must look like 1.0.0'),
  id: guid('id'),
  developer: z.strictObject({ name: z.string().min(1).max(32), websiteUrl: httpsUrl, privacyUrl: httpsUrl, termsOfUseUrl: httpsUrl }),
  name: z.strictObject({ short: z.string().min(1).max(30), full: z.string().min(1).max(100) }),
  description: z.strictObject({ short: z.string().min(1).max(80), full: z.string().min(1).max(4000) }),
  icons: z.strictObject({ color: z.literal('color.png'), outline: z.literal('outline.png') }),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  bots: z
    .array(
      z.strictObject({
        botId: guid('bots[0].botId'),
        scopes: z.array(scope).min(1),
        isNotificationOnly: z.boolean(),
        supportsFiles: z.boolean(),
        commandLists: z
          .array(z.strictObject({ scopes: z.array(scope).min(1), commands: z.array(z.strictObject({ title: z.string().min(1).max(32), description: z.string().min(1).max(128) })).min(1).max(MAX_MENU) }))
          .max(3),
      }),
    )
    .length(1),
  composeExtensions: z
    .array(
      z.strictObject({
        botId: guid('composeExtensions[0].botId'),
        commands: z
          .array(
            z.strictObject({
              id: z.string().min(1).max(64),
              type: z.literal('action'),
              title: z.string().min(1).max(32),
              description: z.string().max(128),
              context: z.array(z.enum(['message', 'compose', 'commandBox'])).min(1),
              fetchTask: z.boolean(),
            }),
          )
          .min(1)
          .max(10),
      }),
    )
    .max(1),
  permissions: z.array(z.enum(['identity', 'messageTeamMembers'])),
  validDomains: z.array(z.string()),
});

export type TeamsManifest = z.infer<typeof manifestSchema>;

export interface ManifestOptions {
  appId: string | undefined;
  botName?: string;
  commands: CommandSpec[];
  version?: string;
  /** Where users read about the app; Teams requires https URLs (defaults point at placeholders). */
  websiteUrl?: string;
  privacyUrl?: string;
  termsOfUseUrl?: string;
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The command menu: title = the verb, description = what it does and its Chinese alias. */
export function menuCommands(commands: CommandSpec[]): Array<{ title: string; description: string }> {
  const rank = (name: string) => (MENU_ORDER.includes(name) ? MENU_ORDER.indexOf(name) : MENU_ORDER.length);
  return [...commands]
    .filter((c) => MENU_ORDER.includes(c.name))
    .sort((a, b) => rank(a.name) - rank(b.name))
    .slice(0, MAX_MENU)
    .map((c) => {
      const zh = c.aliases.find((a) => /[\u4e00-\u9fff]/.test(a));
      const what = translate('en', `help.${c.name}`);
      return { title: c.name, description: truncate(`${what}${zh ? ` (${zh})` : ''}`, 128) };
    });
}

function problem(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join('.') || 'manifest'}: ${issue.message}`;
}

export function buildManifest(options: ManifestOptions): TeamsManifest {
  if (!options.appId) {
    throw new TeamsPackageError("MICROSOFT_APP_ID is not set: the Teams package needs the Azure Bot's Microsoft App ID (a GUID like 00000000-0000-0000-0000-000000000000)");
  }
  if (!GUID.test(options.appId)) {
    throw new TeamsPackageError(`MICROSOFT_APP_ID '${options.appId.slice(0, 60)}' is not a Microsoft App ID: use the Azure Bot's application (client) id, a GUID like 00000000-0000-0000-0000-000000000000`);
  }
  const name = options.botName ?? 'Duban';
  const scopes: Array<'personal' | 'team' | 'groupChat'> = ['personal', 'team', 'groupChat'];
  const placeholder = 'https://example.com/duban';
  const manifest = {
    $schema: MANIFEST_SCHEMA,
    manifestVersion: MANIFEST_VERSION,
    version: options.version ?? '1.0.0',
    id: options.appId,
    developer: {
      name: truncate(name, 32),
      websiteUrl: options.websiteUrl ?? placeholder,
      privacyUrl: options.privacyUrl ?? `${placeholder}/privacy`,
      termsOfUseUrl: options.termsOfUseUrl ?? `${placeholder}/terms`,
    },
    name: { short: truncate(name, 30), full: truncate(`${name} (督办): ticket accountability`, 100) },
    description: {
      short: 'Tickets with owners, clocks and escalation, in chat.',
      full:
        'Open, claim, hand off and resolve customer tickets where your team already talks. Every ticket has one owner, response and resolution clocks ' +
        'that follow your working calendar, reminders before a deadline and automatic escalation after it. Commands work in English and Chinese ' +
        '(claim / 认领, resolve / 解决); use "Create ticket" on any message to file it with a link back.',
    },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: ACCENT_COLOR,
    bots: [
      {
        botId: options.appId,
        scopes,
        isNotificationOnly: false,
        supportsFiles: false,
        commandLists: [{ scopes, commands: menuCommands(options.commands) }],
      },
    ],
    composeExtensions: [
      {
        botId: options.appId,
        commands: [
          { id: CREATE_TICKET_COMMAND, type: 'action' as const, title: 'Create ticket', description: 'File this message as a ticket, with a link back to it (新建工单)', context: ['message' as const], fetchTask: true },
        ],
      },
    ],
    permissions: ['identity' as const, 'messageTeamMembers' as const],
    validDomains: [],
  };
  const checked = manifestSchema.safeParse(manifest);
  if (!checked.success) throw new TeamsPackageError(`the Teams manifest would be invalid: ${problem(checked.error)}`);
  return checked.data;
}

export interface TeamsPackage {
  manifest: TeamsManifest;
  files: Record<'manifest.json' | 'color.png' | 'outline.png', Buffer>;
  zip: Buffer;
}

export async function buildTeamsPackage(options: ManifestOptions): Promise<TeamsPackage> {
  const manifest = buildManifest(options);
  const files = {
    'manifest.json': Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'),
    'color.png': colorIcon(),
    'outline.png': outlineIcon(),
  };
  const zip = new JSZip();
  // Teams wants the three files at the root of the archive, not in a folder.
  for (const [name, data] of Object.entries(files)) zip.file(name, data, { date: new Date('2024-01-01T00:00:00Z') });
  return { manifest, files, zip: await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }) };
}

/** Writes manifest.json, the icons and the zip into `outDir`; returns the zip's path. */
export async function writeTeamsPackage(env: Env, commands: CommandSpec[], outDir: string, extra: Partial<ManifestOptions> = {}): Promise<string> {
  const pkg = await buildTeamsPackage({ appId: env.MICROSOFT_APP_ID, botName: env.TEAMS_BOT_NAME, commands, ...extra });
  await mkdir(outDir, { recursive: true });
  for (const [name, data] of Object.entries(pkg.files)) await writeFile(path.join(outDir, name), data);
  const zipPath = path.join(outDir, PACKAGE_FILE);
  await writeFile(zipPath, pkg.zip);
  return zipPath;
}
