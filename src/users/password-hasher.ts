import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { ConcurrencyLimit } from '../common/concurrency-limit';

export const ARGON2ID_COST = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * Checked instead of a stored hash for unknown emails, so that they take as long as a wrong password.
 * Its parameters must be ARGON2ID_COST's.
 */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$fLSbwqHZPQrxG7J92vAyiQ$/xVbNuYpFJuoR7UzaU9IRkFRF8Cm9POm1QjXn1IeZYI';

/** Each hash holds memoryCost (19 MiB) of native memory while it runs, so they run one at a time. */
const CONCURRENT_HASHES = 1;

@Injectable()
export class PasswordHasher {
  private readonly limit = new ConcurrencyLimit(CONCURRENT_HASHES);

  hash(password: string): Promise<string> {
    return this.limit.run(() =>
      hash(password, { algorithm: Algorithm.Argon2id, ...ARGON2ID_COST }),
    );
  }

  async verify(storedHash: string | undefined, password: string): Promise<boolean> {
    const matches = await this.limit
      .run(() => verify(storedHash ?? DUMMY_HASH, password))
      .catch(() => false);
    return matches && storedHash !== undefined;
  }
}
