import { LineBuffer, splitLines } from './line-buffer';

describe('LineBuffer', () => {
  it('gives back every line as it was pushed, across growths, multi-byte characters included', () => {
    const buffer = new LineBuffer();
    const lines = Array.from(
      { length: 2000 },
      (_, i) => `${i}:\u00e9${'\u{1F600}"\\'.repeat(i % 50)}`,
    );
    for (const line of lines) buffer.push(line);
    expect(buffer.count).toBe(lines.length);
    expect(buffer.bytes().length).toBe(Buffer.byteLength(lines.join('\n')));
    expect(splitLines(buffer.bytes())).toEqual(lines);
  });

  it('counts the separator in the bytes a line adds, except for the first line', () => {
    const buffer = new LineBuffer();
    expect(buffer.push('abc')).toBe(3);
    expect(buffer.push('\u00e9')).toBe(3);
    expect(buffer.bytes().length).toBe(6);
  });

  it('holds no line when empty', () => {
    expect(splitLines(new LineBuffer().bytes())).toEqual([]);
  });
});
