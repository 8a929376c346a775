// The organisation from the command line:
//   npm run org -- import org.yaml    validate (as ORG_FILE is) and make it the live directory
//   npm run org -- export org.yaml    write the live directory (runtime links included) as an ORG_FILE
// It uses the database the bot uses (MONGODB_URI, or the embedded one in DATA_DIR — stop
// the bot first then, as only one process can open that folder). Running bots on a shared
// database pick an import up within seconds. A bot started with ORG_FILE set replaces the
// directory with that file again at its next start.
// Exit code 0 on success, 1 when the file is refused (one line says where and why), 2 on bad usage.
import fs from 'node:fs';
import { OrgRepository } from '../src/storage/org.repository.js';
import { loadOrgFile, OrgFileError } from '../src/org/org.loader.js';
import { orgFileYaml } from '../src/org/org.export.js';
import { runAsCommand, withDatabase } from './cli.js';

export const ORG_USAGE = 'usage: npm run org -- import <org.yaml>\n       npm run org -- export <org.yaml>';

/** Runs one command against an open repository; returns the exit code. */
export async function runOrgCommand(repo: OrgRepository, args: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const [command, file, ...extra] = args;
  if (!file || extra.length || (command !== 'import' && command !== 'export')) {
    err(ORG_USAGE);
    return 2;
  }
  if (command === 'import') {
    let data;
    try {
      data = loadOrgFile(file);
    } catch (e) {
      if (e instanceof OrgFileError) {
        err(e.message);
        return 1;
      }
      throw e;
    }
    await repo.replaceAll(data);
    out(`imported ${file}: ${data.departments.length} departments, ${data.people.length} people, ${data.reviewers.length} reviewers, ${data.emergency.length} in the emergency group`);
    return 0;
  }
  const data = (await repo.load()).toData();
  fs.writeFileSync(file, orgFileYaml(data), 'utf8');
  out(`exported ${data.departments.length} departments and ${data.people.length} people to ${file}`);
  return 0;
}

async function main(args: string[]): Promise<number> {
  if (args.length !== 2) {
    console.error(ORG_USAGE);
    return 2;
  }
  return withDatabase((conn) => runOrgCommand(new OrgRepository(conn), args));
}

runAsCommand(import.meta.url, 'org', main);
