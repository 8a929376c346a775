import { describe, it, expect } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import JSZip from 'jszip';
import { loadEnv } from '../../../../src/config/env.js';
import { allCommands } from '../../../../conversations/commands/index.js';
import { buildManifest, buildTeamsPackage, manifestSchema, menuCommands, writeTeamsPackage, MANIFEST_VERSION, TeamsPackageError } from '../../../../adapters/teams/teams.package.js';
import { colorIcon, crc32, encodePng, outlineIcon } from '../../../../adapters/teams/teams.icons.js';

const APP_ID = '6f1c0a52-2b7e-4d8a-9c3e-1a2b3c4d5e6f';

/** Reads a PNG the strict way: signature, chunk CRCs, header, and the pixel data inflated. */
function readPng(file: Buffer) {
  expect(file.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  const chunks: Array<{ type: string; data: Buffer }> = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('ascii', offset + 4, offset + 8);
    const data = file.subarray(offset + 8, offset + 8 + length);
    expect(file.readUInt32BE(offset + 8 + length)).toBe(crc32(file.subarray(offset + 4, offset + 8 + length)));
    chunks.push({ type, data });
    offset += 12 + length;
  }
  expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const ihdr = chunks[0].data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  expect([ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]]).toEqual([8, 6, 0, 0, 0]);
  const raw = inflateSync(chunks[1].data);
  expect(raw.length).toBe(height * (width * 4 + 1));
  const pixel = (x: number, y: number) => {
    const i = y * (width * 4 + 1) + 1 + x * 4;
    return [raw[i], raw[i + 1], raw[i + 2], raw[i + 3]];
  };
  const pixels = () => {
    const all: number[][] = [];
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) all.push(pixel(x, y));
    return all;
  };
  return { width, height, pixel, pixels };
}

describe('icons', () => {
  it('the colour icon is a valid, fully opaque 192×192 PNG', () => {
    const png = readPng(colorIcon());
    expect([png.width, png.height]).toEqual([192, 192]);
    expect(png.pixels().every((p) => p[3] === 255)).toBe(true);
    expect(png.pixel(0, 0)).toEqual([0x2f, 0x6f, 0xde, 255]);
    expect(png.pixel(60, 70)).toEqual([255, 255, 255, 255]);
  });

  it('the outline icon is a valid 32×32 PNG: white on a transparent background', () => {
    const png = readPng(outlineIcon());
    expect([png.width, png.height]).toEqual([32, 32]);
    const pixels = png.pixels();
    expect(pixels.filter((p) => p[3] > 0).every((p) => p[0] === 255 && p[1] === 255 && p[2] === 255)).toBe(true);
    expect(png.pixel(0, 0)[3]).toBe(0);
    const opaque = pixels.filter((p) => p[3] === 255).length;
    expect(opaque).toBeGreaterThan(40);
    expect(opaque).toBeLessThan(32 * 32 * 0.6);
  });

  it('refuses pixel data of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(3))).toThrow(/expected 16 bytes/);
  });
});

describe('manifest', () => {
  const manifest = buildManifest({ appId: APP_ID, botName: '督办 Duban', commands: allCommands() });

  it(`follows Teams manifest schema ${MANIFEST_VERSION} for the fields it writes`, () => {
    expect(manifestSchema.safeParse(manifest).success).toBe(true);
    expect(manifest).toMatchObject({ manifestVersion: '1.17', id: APP_ID, name: { short: '督办 Duban' }, icons: { color: 'color.png', outline: 'outline.png' } });
    expect(manifest.bots[0]).toMatchObject({ botId: APP_ID, scopes: ['personal', 'team', 'groupChat'] });
  });

  it('lists registered commands only, at most 10, each with its Chinese alias', () => {
    const registered = new Map(allCommands().map((c) => [c.name, c]));
    const menu = manifest.bots[0].commandLists[0].commands;
    expect(menu.length).toBeGreaterThan(0);
    expect(menu.length).toBeLessThanOrEqual(10);
    for (const command of menu) {
      const spec = registered.get(command.title);
      expect(spec).toBeDefined();
      const zh = spec!.aliases.find((a) => /[\u4e00-\u9fff]/.test(a));
      if (zh) expect(command.description).toContain(zh);
    }
    expect(menu.map((c) => c.title)).toEqual(expect.arrayContaining(['open', 'claim', 'resolve', 'help']));
    expect(menu.find((c) => c.title === 'claim')?.description).toMatch(/认领/);
  });

  it('leaves out commands the registry does not have', () => {
    const some = allCommands().filter((c) => c.name !== 'claim');
    expect(menuCommands(some).map((c) => c.title)).not.toContain('claim');
  });

  it('offers "Create ticket" on any message', () => {
    expect(manifest.composeExtensions[0]).toEqual({
      botId: APP_ID,
      commands: [expect.objectContaining({ id: 'createTicket', type: 'action', title: 'Create ticket', context: ['message'], fetchTask: true })],
    });
  });

  it('names the bot Duban by default', () => {
    expect(buildManifest({ appId: APP_ID, commands: allCommands() }).name.short).toBe('Duban');
  });

  it('refuses a missing or malformed app id, and bad URLs, with one clear line', () => {
    expect(() => buildManifest({ appId: undefined, commands: allCommands() })).toThrow(/MICROSOFT_APP_ID is not set/);
    expect(() => buildManifest({ appId: 'my-bot', commands: allCommands() })).toThrow(TeamsPackageError);
    expect(() => buildManifest({ appId: 'my-bot', commands: allCommands() })).toThrow(/'my-bot' is not a Microsoft App ID/);
    expect(() => buildManifest({ appId: APP_ID, commands: allCommands(), privacyUrl: 'http://insecure.example' })).toThrow(/developer.privacyUrl: must be an https:\/\/ URL/);
    expect(() => buildManifest({ appId: APP_ID, commands: allCommands(), version: 'v1' })).toThrow(/version/);
  });
});

describe('package', () => {
  it('zips manifest.json and both icons at the root of the archive', async () => {
    const pkg = await buildTeamsPackage({ appId: APP_ID, commands: allCommands() });
    const zip = await JSZip.loadAsync(pkg.zip);
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(JSON.parse(await zip.file('manifest.json')!.async('string'))).toEqual(pkg.manifest);
    expect(readPng(await zip.file('color.png')!.async('nodebuffer')).width).toBe(192);
    expect(readPng(await zip.file('outline.png')!.async('nodebuffer')).width).toBe(32);
  });

  it('writes the package from the environment (MICROSOFT_APP_ID, TEAMS_BOT_NAME)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-teams-'));
    try {
      const zipPath = await writeTeamsPackage(loadEnv({ MICROSOFT_APP_ID: APP_ID, TEAMS_BOT_NAME: 'Helpdesk' }), allCommands(), dir);
      expect(zipPath).toBe(path.join(dir, 'duban-teams.zip'));
      expect(fs.readdirSync(dir).sort()).toEqual(['color.png', 'duban-teams.zip', 'manifest.json', 'outline.png']);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).name.short).toBe('Helpdesk');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
