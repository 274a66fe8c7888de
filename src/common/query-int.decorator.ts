import { Transform } from 'class-transformer';

/**
 * Turns a query-string value of decimal digits into a number, and leaves anything else as it is for the
 * validators to refuse: `1e2`, `0x3`, ` 1` or `1.5` are not integers here, as they would be to Number().
 */
export const QueryInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value,
  );
