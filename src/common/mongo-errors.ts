export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000
  );
}

/** An error of the database, its driver or Mongoose (unreachable, timed out…), as opposed to one of ours. */
export function isDatabaseError(error: unknown): boolean {
  return error instanceof Error && error.name.startsWith('Mongo');
}
