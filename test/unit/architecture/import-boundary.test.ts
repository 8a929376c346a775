// DESIGN.md: the domain (src/tickets) never imports a chat SDK, mongoose,
// mongodb or agenda, nor anything from the adapters, conversations, storage or
// http layers; adapters use only the neutral model and the command entry point,
// never the domain's internals (the transition table, the role rules, storage).
import { describe, it, expect } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface ImportRef {
  file: string;
  specifier: string;
  /** The import brings in types only (`import type …`, `export type … from`). */
  typeOnly: boolean;
  line: number;
}

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.isFile() && entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module a file names: static imports and re-exports (type-only or not), dynamic import() and require(). */
function importsOf(file: string, source = fs.readFileSync(file, 'utf8')): ImportRef[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/.*$/gm, (m, p: string) => p + ' '.repeat(m.length - p.length));
  const found: ImportRef[] = [];
  const lineAt = (index: number) => text.slice(0, index).split('\n').length;
  const statement = /\b(import|export)\s+(type\s+)?([^;]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(statement)) {
    // `import { type A, type B } from` is also type-only when every name is a type.
    const names = /^\{([\s\S]*)\}$/.exec(m[3].trim());
    const allTypes = !!names && names[1].split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
    found.push({ file, specifier: m[4], typeOnly: !!m[2] || allTypes, line: lineAt(m.index ?? 0) });
  }
  for (const m of text.matchAll(/\bimport\s+['"]([^'"]+)['"]/g)) found.push({ file, specifier: m[1], typeOnly: false, line: lineAt(m.index ?? 0) });
  for (const m of text.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ file, specifier: m[1], typeOnly: false, line: lineAt(m.index ?? 0) });
  // `import('x')` is a dynamic import, except `import('x').Name` in a type position (no await, no .then).
  for (const m of text.matchAll(/(\bawait\s+)?\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)(\s*\.\s*(\w+))?/g)) {
    const typeOnly = !m[1] && !!m[4] && !['then', 'catch', 'finally'].includes(m[4]);
    found.push({ file, specifier: m[2], typeOnly, line: lineAt(m.index ?? 0) });
  }
  return found;
}

/** The repository-relative path an import resolves to (packages stay as named). */
function target(ref: ImportRef): string {
  if (!ref.specifier.startsWith('.')) return ref.specifier;
  return path.relative(ROOT, path.resolve(path.dirname(ref.file), ref.specifier)).split(path.sep).join('/').replace(/\.js$/, '.ts');
}

const show = (ref: ImportRef) => `${path.relative(ROOT, ref.file)}:${ref.line} imports '${ref.specifier}'${ref.typeOnly ? ' (type-only)' : ''}`;

const FORBIDDEN_PACKAGES = [/^@slack\//, /^botbuilder/, /^@larksuiteoapi\//, /^mongoose(\/|$)/, /^mongodb(\/|$)/, /^agenda(\/|$)/, /^@agendajs\//];
const FORBIDDEN_LAYERS = ['adapters/', 'conversations/', 'src/storage/', 'src/http/'];

function domainViolation(ref: ImportRef): boolean {
  const to = target(ref);
  if (FORBIDDEN_PACKAGES.some((p) => p.test(to))) return true;
  return FORBIDDEN_LAYERS.some((layer) => to.startsWith(layer));
}

const DOMAIN_INTERNALS = ['src/tickets/ticket.machine.ts', 'src/tickets/ticket.authz.ts'];
function adapterViolation(ref: ImportRef): boolean {
  const to = target(ref);
  if (to.startsWith('src/storage/')) return true;
  if (DOMAIN_INTERNALS.includes(to)) return true;
  // Ticket types and the service may be named as types; nothing else of the domain is used directly.
  if (to.startsWith('src/tickets/')) return !ref.typeOnly;
  return false;
}

describe('import boundaries', () => {
  const domainFiles = tsFiles(path.join(ROOT, 'src/tickets'));
  const adapterFiles = tsFiles(path.join(ROOT, 'adapters'));

  it('finds the files it guards', () => {
    expect(domainFiles.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['ticket.machine.ts', 'ticket.authz.ts', 'ticket.service.ts']));
    expect(adapterFiles.length).toBeGreaterThan(0);
  });

  it('src/tickets/** imports no chat SDK, database or scheduler package, and no adapters/conversations/storage/http code', () => {
    const bad = domainFiles.flatMap((f) => importsOf(f)).filter(domainViolation).map(show);
    expect(bad).toEqual([]);
  });

  it('nor does anything the domain reaches at run time (following its non-type imports through src/sla, src/org, src/core…)', () => {
    const seen = new Set<string>();
    const queue = [...domainFiles];
    const bad: string[] = [];
    while (queue.length) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const ref of importsOf(file)) {
        if (domainViolation(ref)) bad.push(show(ref));
        else if (!ref.typeOnly && ref.specifier.startsWith('.')) {
          const next = path.join(ROOT, target(ref));
          if (fs.existsSync(next)) queue.push(next);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(domainFiles.length);
    expect(bad).toEqual([]);
  });

  it("adapters/** never import the domain's internals (transition table, role rules) or storage; ticket types only as types", () => {
    const bad = adapterFiles.flatMap((f) => importsOf(f)).filter(adapterViolation).map(show);
    expect(bad).toEqual([]);
  });
});

describe('the import parser (so the guards cannot pass vacuously)', () => {
  const file = path.join(ROOT, 'src/tickets/example.ts');
  const sample = [
    "import mongoose from 'mongoose';",
    "import type { Ticket } from './ticket.types.js';",
    "import { type A, type B } from '../core/x.js';",
    "import {\n  WebClient,\n} from '@slack/web-api';",
    "export { x } from '../../adapters/console/console.parse.js';",
    "import '../storage/connection.js';",
    "const m = await import('agenda');",
    "let v: import('./ticket.types.js').Ticket | undefined;",
    "// import { nope } from 'mongodb';",
    "/* import { nope } from '@larksuiteoapi/node-sdk'; */",
  ].join('\n');
  const refs = importsOf(file, sample);

  it('reads every form of import and skips comments', () => {
    expect(refs.map((r) => r.specifier).sort()).toEqual(['../../adapters/console/console.parse.js', '../core/x.js', '../storage/connection.js', './ticket.types.js', './ticket.types.js', '@slack/web-api', 'agenda', 'mongoose'].sort());
    expect(refs.filter((r) => r.typeOnly).map((r) => r.specifier).sort()).toEqual(['../core/x.js', './ticket.types.js', './ticket.types.js']);
  });

  it('flags the forbidden ones', () => {
    expect(refs.filter(domainViolation).map((r) => r.specifier).sort()).toEqual(['../../adapters/console/console.parse.js', '../storage/connection.js', '@slack/web-api', 'agenda', 'mongoose'].sort());
    const adapterFile = path.join(ROOT, 'adapters/slack/slack.adapter.ts');
    const adapterRefs = importsOf(adapterFile, "import { transition } from '../../src/tickets/ticket.machine.js';\nimport type { Ticket } from '../../src/tickets/ticket.types.js';\nimport { MongoTicketRepository } from '../../src/storage/ticket.repository.js';\nimport { openTicket } from '../../src/tickets/ticket.factory.js';");
    expect(adapterRefs.filter(adapterViolation).map((r) => r.specifier)).toEqual(['../../src/tickets/ticket.machine.js', '../../src/storage/ticket.repository.js', '../../src/tickets/ticket.factory.js']);
  });
});
