import { DEFAULT_SETTINGS, settingsFromStored } from './app-settings';

describe('settingsFromStored', () => {
  it('keeps every stored value the API accepts', () => {
    const stored = {
      strategy: 'consistent-hash',
      hash_key: 'header:X-User',
      connect_timeout_ms: 1,
      timeout_ms: 600000,
      retries: 0,
      private: true,
      rate_limit: { limit: 5, window_ms: 1000, key: 'api_key' },
    } as const;
    expect(settingsFromStored(stored)).toEqual({ settings: stored, invalid: [] });
  });

  it('fills what is missing with the defaults', () => {
    expect(settingsFromStored(undefined)).toEqual({ settings: DEFAULT_SETTINGS, invalid: [] });
    expect(settingsFromStored({ retries: 3 }).settings).toEqual({
      ...DEFAULT_SETTINGS,
      retries: 3,
    });
  });

  it('replaces what the API would refuse by its default, and names it', () => {
    const { settings, invalid } = settingsFromStored({
      strategy: null,
      hash_key: 'cookie:x',
      connect_timeout_ms: 0,
      timeout_ms: 'soon',
      retries: 2.5,
      private: 'yes',
      rate_limit: [],
    });
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(invalid.sort()).toEqual(
      [
        'connect_timeout_ms',
        'hash_key',
        'private',
        'rate_limit',
        'retries',
        'strategy',
        'timeout_ms',
      ].sort(),
    );
  });

  it.each([
    [{ limit: 0, window_ms: 1000, key: 'ip' }],
    [{ limit: 1, window_ms: 86400001, key: 'ip' }],
    [{ limit: 1, window_ms: 1000, key: 'cookie' }],
    [{ limit: 1, window_ms: 1000 }],
    [[{ limit: 1, window_ms: 1000, key: 'ip' }]],
  ])('refuses the rate limit %j', (rateLimit) => {
    expect(settingsFromStored({ rate_limit: rateLimit })).toEqual({
      settings: DEFAULT_SETTINGS,
      invalid: ['rate_limit'],
    });
  });
});
