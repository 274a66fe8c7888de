import { parseCidrList as parseCidrs } from '../../libs/gateway-core/src/addresses/cidr';
import { ConfigError } from './config-error';

export interface RateLimitRule {
  readonly limit: number;
  readonly windowMs: number;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function parseByteSize(text: string, name: string): number {
  const match = /^\s*(\d+)\s*([kmg]?b?)\s*$/i.exec(text);
  const unit = match ? SIZE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new ConfigError(`${name} must be a size such as 100kb or 10mb, got "${text}"`);
  }
  return Number(match[1]) * unit;
}

export function parseRateLimit(text: string, name: string): RateLimitRule {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*s\s*$/.exec(text);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
    throw new ConfigError(
      `${name} must look like <count>/<seconds>s, for example 5/60s; got "${text}"`,
    );
  }
  return { limit: Number(match[1]), windowMs: Number(match[2]) * 1000 };
}

/** A comma-separated list of IP addresses and CIDR ranges as `address/prefix` entries; invalid → ConfigError. */
export function parseCidrList(text: string, name: string): string[] {
  try {
    return parseCidrs(text);
  } catch (error) {
    throw new ConfigError(
      `${name} must be a comma-separated list of IP addresses or CIDR ranges such as 10.0.0.0/8 or ::1: ${(error as Error).message}`,
    );
  }
}
