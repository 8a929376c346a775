// Words of case text and of queries, for Chinese, English and both mixed in
// one sentence ("VPN断线 after upgrade"): Intl.Segmenter finds the words (ICU's
// dictionary for Chinese, UAX #29 for the rest); they are folded (NFKC, lower
// case) and the commonest function words dropped. Cases store these terms, so
// every instance indexes exactly the same words.
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

const STOP_WORDS = new Set([
  // English
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'has', 'have', 'i', 'in', 'is', 'it', 'its', 'of', 'on', 'or',
  'our', 'so', 'that', 'the', 'their', 'then', 'there', 'this', 'to', 'was', 'we', 'were', 'with', 'you', 'your', 'my', 'me', 'he', 'she', 'they',
  'please', 'pls',
  // Chinese
  '的', '了', '是', '在', '和', '与', '及', '或', '也', '就', '都', '而', '被', '把', '我', '你', '他', '她', '它', '我们', '你们', '他们', '这', '那',
  '这个', '那个', '吗', '呢', '吧', '啊', '呀', '请', '一个', '一下', '有', '要', '会', '还', '又', '对', '让', '给',
]);

/** The search terms of a text, in order (repeats kept: they weigh in the index). */
export function textTerms(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const part of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (!part.isWordLike) continue;
    const term = part.segment.trim();
    if (term && !STOP_WORDS.has(term)) out.push(term);
  }
  return out;
}

/** True for terms in a script with spaces between words (where prefix and typo matching make sense). */
export function isSpacedScript(term: string): boolean {
  return /^[\p{Script=Latin}\p{N}._-]+$/u.test(term);
}
