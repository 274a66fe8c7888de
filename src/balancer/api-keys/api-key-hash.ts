import { createHash } from 'node:crypto';

export const API_KEY_HEADER = 'x-api-key';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
