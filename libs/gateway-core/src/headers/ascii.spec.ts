import { isOptionalWhitespace, rangeEqualsIgnoreCase, trimmedEqualsIgnoreCase } from './ascii';

describe('ascii helpers', () => {
  it('treats only space and tab as optional whitespace', () => {
    expect(isOptionalWhitespace(0x20)).toBe(true);
    expect(isOptionalWhitespace(0x09)).toBe(true);
    expect(isOptionalWhitespace(0x0a)).toBe(false);
    expect(isOptionalWhitespace(0x41)).toBe(false);
  });

  it('compares a range against a lowercase literal ignoring ASCII case', () => {
    expect(rangeEqualsIgnoreCase('a, Keep-Alive', 3, 13, 'keep-alive')).toBe(true);
    expect(rangeEqualsIgnoreCase('KEEP-ALIVE', 0, 10, 'keep-alive')).toBe(true);
    expect(rangeEqualsIgnoreCase('keep-alivex', 0, 11, 'keep-alive')).toBe(false);
    expect(rangeEqualsIgnoreCase('keep\ralive', 0, 10, 'keep-alive')).toBe(false);
  });

  it('compares trimmed text ignoring case', () => {
    expect(trimmedEqualsIgnoreCase(' \tTrailers ', 'trailers')).toBe(true);
    expect(trimmedEqualsIgnoreCase('trailers, gzip', 'trailers')).toBe(false);
    expect(trimmedEqualsIgnoreCase('', 'trailers')).toBe(false);
  });
});
