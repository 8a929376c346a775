// Every text exists in both languages with the same placeholders, so a
// Chinese reader never gets an English fallback or a raw `{name}`.
import { describe, it, expect } from '@jest/globals';
import { CATALOGS } from '../../../conversations/messages/index.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  const en = CATALOGS.en;
  const zh = CATALOGS['zh-CN'];

  it('has a Chinese text for every English one and no Chinese text without an English one', () => {
    expect(Object.keys(en).filter((k) => !(k in zh))).toEqual([]);
    expect(Object.keys(zh).filter((k) => !(k in en))).toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const mismatched = Object.keys(en)
      .filter((k) => k in zh && placeholders(en[k]).join() !== placeholders(zh[k]).join())
      .map((k) => `${k}: en {${placeholders(en[k]).join(',')}} zh {${placeholders(zh[k]).join(',')}}`);
    expect(mismatched).toEqual([]);
  });
});
