// CSV for Excel: a byte-order mark, CRLF, quoting, and no cell that a
// spreadsheet would run as a formula.
import { describe, it, expect } from '@jest/globals';
import { BOM, csvDocument, csvLine, neutralise } from '../../../src/reports/csv.js';

describe('neutralise', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
    ['打印机', '打印机'],
  ])('%j → %j', (input, output) => {
    expect(neutralise(input)).toBe(output);
  });

  it('leaves numbers as numbers and writes dates, booleans and blanks plainly', () => {
    expect(neutralise(-3)).toBe(-3);
    expect(neutralise(Number.NaN)).toBe('');
    expect(neutralise(new Date('2026-03-01T00:00:00Z'))).toBe('2026-03-01T00:00:00.000Z');
    expect(neutralise(true)).toBe('yes');
    expect(neutralise(null)).toBe('');
    expect(neutralise(undefined)).toBe('');
  });
});

describe('csvLine and csvDocument', () => {
  it('quotes what needs quoting and ends lines with CRLF', () => {
    expect(csvLine(['a,b', 'say "hi"', 'line\nbreak', 1])).toBe('"a,b","say ""hi""","line\nbreak",1\r\n');
    expect(csvLine(['=HYPERLINK("x")'])).toBe(`"'=HYPERLINK(""x"")"\r\n`);
  });

  it('starts with a byte-order mark so Excel reads UTF-8', () => {
    const doc = csvDocument(['id', 'title'], [['T-1', '打印机着火']]);
    expect(doc).toBe(`${BOM}id,title\r\nT-1,打印机着火\r\n`);
    expect(Buffer.from(doc, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});
