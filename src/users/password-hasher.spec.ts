import { ARGON2ID_COST, DUMMY_HASH, PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('verifies a password against its own hash only', async () => {
    const stored = await hasher.hash('correct horse');
    await expect(hasher.verify(stored, 'correct horse')).resolves.toBe(true);
    await expect(hasher.verify(stored, 'wrong horse')).resolves.toBe(false);
  });

  it('refuses any password for an unknown user', async () => {
    await expect(hasher.verify(undefined, 'correct horse')).resolves.toBe(false);
  });

  it('has a dummy hash as costly to check as a real one', async () => {
    const { memoryCost: m, timeCost: t, parallelism: p } = ARGON2ID_COST;
    const params = (h: string) => h.split('$').slice(1, 4);
    expect(params(DUMMY_HASH)).toEqual(['argon2id', 'v=19', `m=${m},t=${t},p=${p}`]);
    expect(params(await hasher.hash('x'))).toEqual(params(DUMMY_HASH));
  });
});
