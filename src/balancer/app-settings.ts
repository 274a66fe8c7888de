import { isStrategyName, type StrategyName } from '../../libs/gateway-core/src/strategies';

export interface RateLimitSetting {
  limit: number;
  window_ms: number;
  key: string;
}

export interface AppSettings {
  strategy: StrategyName;
  hash_key: string;
  connect_timeout_ms: number;
  timeout_ms: number;
  retries: number;
  private: boolean;
  rate_limit: RateLimitSetting | null;
}

export const DEFAULT_SETTINGS: Readonly<AppSettings> = {
  strategy: 'least-connections',
  hash_key: 'ip',
  connect_timeout_ms: 2000,
  timeout_ms: 60000,
  retries: 1,
  private: false,
  rate_limit: null,
};

const HEADER_NAME = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";
export const HASH_KEY_PATTERN = new RegExp(`^(ip|header:${HEADER_NAME})$`);
export const RATE_LIMIT_KEY_PATTERN = new RegExp(`^(ip|api_key|header:${HEADER_NAME})$`);
export const TIMEOUT_MS_MAX = 600_000;
export const RETRIES_MAX = 5;
export const RATE_LIMIT_WINDOW_MS_MAX = 86_400_000;

const isIntIn = (value: unknown, min: number, max: number): boolean =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

const isRateLimit = (value: unknown): boolean => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const rule = value as Record<string, unknown>;
  return (
    isIntIn(rule.limit, 1, Number.MAX_SAFE_INTEGER) &&
    isIntIn(rule.window_ms, 1, RATE_LIMIT_WINDOW_MS_MAX) &&
    typeof rule.key === 'string' &&
    RATE_LIMIT_KEY_PATTERN.test(rule.key)
  );
};

/** What PATCH /api/apps/<app> accepts for each setting. */
const IS_VALID: { readonly [K in keyof AppSettings]: (value: unknown) => boolean } = {
  strategy: isStrategyName,
  hash_key: (value) => typeof value === 'string' && HASH_KEY_PATTERN.test(value),
  connect_timeout_ms: (value) => isIntIn(value, 1, TIMEOUT_MS_MAX),
  timeout_ms: (value) => isIntIn(value, 1, TIMEOUT_MS_MAX),
  retries: (value) => isIntIn(value, 0, RETRIES_MAX),
  private: (value) => typeof value === 'boolean',
  rate_limit: (value) => value === null || isRateLimit(value),
};

/**
 * The stored settings over the defaults. A stored value the API would refuse (written by hand or by an
 * earlier version) gives way to its default, and its name is listed in `invalid`.
 */
export function settingsFromStored(
  stored: Partial<Record<keyof AppSettings, unknown>> | undefined,
): {
  settings: AppSettings;
  invalid: (keyof AppSettings)[];
} {
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const invalid: (keyof AppSettings)[] = [];
  for (const key of Object.keys(IS_VALID) as (keyof AppSettings)[]) {
    const value = stored?.[key];
    if (value === undefined) continue;
    if (IS_VALID[key](value)) settings[key] = value;
    else invalid.push(key);
  }
  return { settings: settings as unknown as AppSettings, invalid };
}

export function withDefaults(stored: Partial<AppSettings> | undefined): AppSettings {
  return settingsFromStored(stored).settings;
}
