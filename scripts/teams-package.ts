// Builds the Microsoft Teams app package: `npm run teams:package`.
// Reads MICROSOFT_APP_ID (required) and TEAMS_BOT_NAME (default "Duban") and
// writes appPackage/manifest.json, the icons and appPackage/duban-teams.zip,
// ready for Teams → Apps → Manage your apps → Upload an app.
// Options: --out <dir>, --version 1.2.3, --website/--privacy/--terms <https URL>.
import path from 'node:path';
import { ConfigError, loadEnv } from '../src/config/env.js';
import { allCommands } from '../conversations/commands/index.js';
import { TeamsPackageError, writeTeamsPackage, type ManifestOptions } from '../adapters/teams/teams.package.js';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  const outDir = path.resolve(option(args, 'out') ?? 'appPackage');
  const extra: Partial<ManifestOptions> = {};
  for (const [flag, key] of [['version', 'version'], ['website', 'websiteUrl'], ['privacy', 'privacyUrl'], ['terms', 'termsOfUseUrl']] as const) {
    const value = option(args, flag);
    if (value) extra[key] = value;
  }
  try {
    const zip = await writeTeamsPackage(loadEnv(), allCommands(), outDir, extra);
    console.log(`Teams app package written: ${path.relative(process.cwd(), zip) || zip}`);
    console.log('Upload it in Teams: Apps → Manage your apps → Upload an app → Upload a custom app.');
    return 0;
  } catch (err) {
    if (err instanceof TeamsPackageError || err instanceof ConfigError) {
      console.error(`teams:package: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
