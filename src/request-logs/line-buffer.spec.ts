import { LineBuffer, splitLines } from './line-buffer';

describe('LineBuffer', () => {
  it('gives back the JSON of every line as it was pushed, across growths, multi-byte characters included', () => {
    const buffer = new LineBuffer();
    const lines = Array.from({ length: 2000 }, (_, i) => [
      i,
      `\u00e9${'\u{1F600}"\\'.repeat(i % 50)}`,
      i % 3 === 0 ? null : [`node-${i}`],
    ]);
    for (const line of lines) buffer.push(line);
    const json = lines.map((line) => JSON.stringify(line));
    expect(buffer.count).toBe(lines.length);
    expect(buffer.bytes().length).toBe(Buffer.byteLength(json.join('\n')));
    expect(splitLines(buffer.bytes())).toEqual(json);
  });

  it('counts the separator in the bytes a line adds, except for the first line', () => {
    const buffer = new LineBuffer();
    expect(buffer.push([1])).toBe(3);
    expect(buffer.push(['\u00e9'])).toBe(7);
    expect(buffer.bytes().length).toBe(10);
  });

  it('gives its buffer back on release() for the next one to reuse, keeping its count', () => {
    const first = new LineBuffer();
    first.push(['abc']);
    const memory = first.bytes().buffer;
    first.release();
    expect(first.count).toBe(1);
    expect(() => first.bytes()).toThrow('after release');
    const second = new LineBuffer();
    second.push(['def']);
    expect(second.bytes().buffer).toBe(memory);
    expect(splitLines(second.bytes())).toEqual(['["def"]']);
  });

  it('holds no line when empty', () => {
    expect(splitLines(new LineBuffer().bytes())).toEqual([]);
  });
});
