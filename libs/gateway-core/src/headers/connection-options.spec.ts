import { collectConnectionOptions, isConnectionOption } from './connection-options';

function options(...values: string[]): string[] {
  const into: string[] = [];
  for (const value of values) collectConnectionOptions(value, into);
  return into;
}

describe('connection options', () => {
  it('lower-cases and trims the listed field names', () => {
    expect(options('close, X-Foo', ' x-bar ,\tX-Baz\t')).toEqual(['x-foo', 'x-bar', 'x-baz']);
  });

  it('skips empty tokens and options the proxy handles anyway', () => {
    expect(options('keep-alive', 'Close', 'Upgrade, TE', ',, ,', '')).toEqual([]);
  });

  it('matches names exactly', () => {
    const listed = options('X-Foo');
    expect(isConnectionOption('x-foo', listed)).toBe(true);
    expect(isConnectionOption('x-foo-bar', listed)).toBe(false);
    expect(isConnectionOption('x-foo', [])).toBe(false);
  });
});
