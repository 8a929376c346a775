// Message lookup with parameters, in the person's language (falling back to
// English for a missing translation, and to the code itself as a last resort).
// Each area keeps its texts in its own pair of files, merged here.
import type { Locale } from '../../src/core/platform.js';
import { en as coreEn } from './en.js';
import { zhCN as coreZh } from './zh-CN.js';
import { customersEn, customersZh } from './customers.messages.js';

const en: Record<string, string> = { ...coreEn, ...customersEn };
const zhCN: Record<string, string> = { ...coreZh, ...customersZh };

export const CATALOGS: Record<Locale, Record<string, string>> = { en, 'zh-CN': zhCN };

export type Params = Record<string, string | number | undefined>;

export function translate(locale: Locale, code: string, params: Params = {}): string {
  const template = CATALOGS[locale]?.[code] ?? en[code] ?? code;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    return v === undefined || v === '' ? '' : String(v);
  }).replace(/[ ]{2,}/g, ' ').trim();
}
