import { breakLines } from '../../src/letters/layout/line-breaker';

// Every character one unit wide: widths are lengths.
const width = (s: string) => s.length;

describe('breaking lines', () => {
  it('fills lines word by word and never exceeds the width', () => {
    const lines = breakLines('aaa bbb ccc ddd eee', 8, width);
    expect(lines).toEqual(['aaa bbb', 'ccc ddd', 'eee']);
    expect(lines.every((l) => l.length <= 8)).toBe(true);
  });

  it('keeps the data\'s own line breaks and empty lines', () => {
    expect(breakLines('one\n\ntwo three', 20, width)).toEqual(['one', '', 'two three']);
  });

  it('cuts a word longer than the line where it must', () => {
    expect(breakLines(`x ${'y'.repeat(25)} z`, 10, width)).toEqual(['x', 'yyyyyyyyyy', 'yyyyyyyyyy', 'yyyyy z']);
  });

  it('never cuts inside a surrogate pair', () => {
    const lines = breakLines('😀😀😀😀', 3, (s) => [...s].length);
    expect(lines).toEqual(['😀😀😀', '😀']);
  });

  it('makes one empty line of empty text, and keeps leading spaces', () => {
    expect(breakLines('', 10, width)).toEqual(['']);
    expect(breakLines('  indented', 20, width)).toEqual(['  indented']);
  });
});
