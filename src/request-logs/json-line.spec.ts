import { jsonArrayBytesBound, JsonLineValue, writeJsonArray } from './json-line';
import { mulberry32 } from '../../libs/gateway-core/src/testing/mulberry32';

function written(values: readonly JsonLineValue[]): string {
  const bound = jsonArrayBytesBound(values);
  const target = Buffer.alloc(bound + 8, 0xff);
  const end = writeJsonArray(target, 4, values);
  expect(end - 4).toBeLessThanOrEqual(bound);
  expect(target[3]).toBe(0xff);
  expect(target[end]).toBe(0xff);
  return target.toString('utf8', 4, end);
}

describe('writeJsonArray', () => {
  it('writes what JSON.stringify writes, in UTF-8, for the values request-log lines hold', () => {
    const cases: JsonLineValue[][] = [
      [],
      [
        1764345600123,
        'GET',
        '/1k',
        '127.0.0.1:40001',
        200,
        3.17,
        0.05,
        'a-b',
        '127.0.0.1',
        null,
        0,
        1024,
      ],
      [
        0,
        -0,
        5,
        10,
        100,
        1234567890,
        99999999,
        1e8,
        100000001,
        999999999,
        1e9,
        2 ** 31,
        1e15 + 7,
        Number.MAX_SAFE_INTEGER,
        2 ** 53,
        1e21,
        123456789012345680000,
      ],
      [0.5, 0.05, 0.1, 1.1, 2.3, 99.99, 100.01, 999999999.99, 1e9 + 0.5, 1e-7, 0.123, 1 / 3],
      [-1, -0.5, -3.25, -1e300, 1.7976931348623157e308, 5e-324],
      [NaN, Infinity, -Infinity],
      [
        '',
        '"',
        '\\',
        'a"b\\c',
        '\n',
        '\u0000\u001f\u007f',
        '\u0080\u07ff\u0800',
        'x\u0080',
        'caf\u00e9',
        '\u{1F600}',
        '\ud800',
        'x\udc00y',
      ],
      [[], ['10.0.0.9:80', 'caf\u00e9'], ['"q"', '\t']],
    ];
    for (const values of cases) expect(written(values)).toBe(JSON.stringify(values));
  });

  it('writes what JSON.stringify writes for random times with up to two decimals, and any double', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 20_000; i++) {
      const hundredths = Math.round(random() * 10 ** (1 + (i % 12)));
      const values = [hundredths / 100, Math.round(random() * 1e6) / 100, random() * 1e6, random()];
      expect(written(values)).toBe(JSON.stringify(values));
    }
  });

  it('writes what JSON.stringify writes for random strings of any code units', () => {
    const random = mulberry32(11);
    for (let i = 0; i < 2000; i++) {
      const units = Array.from({ length: Math.floor(random() * 12) }, () =>
        Math.floor(random() * (i % 2 === 0 ? 0x80 : 0x10000)),
      );
      const text = String.fromCharCode(...units);
      expect(written([text, [text]])).toBe(JSON.stringify([text, [text]]));
    }
  });
});
