import type { StrategyName } from '../../libs/gateway-core/src/strategies';

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

export function withDefaults(stored: Partial<AppSettings> | undefined): AppSettings {
  return { ...DEFAULT_SETTINGS, ...stored };
}
