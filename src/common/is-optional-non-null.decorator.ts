import { ValidateIf } from 'class-validator';

/**
 * Like @IsOptional(), but only an absent property skips validation: `null` is checked, and refused, like
 * any other value. For fields whose contract type is not nullable.
 */
export const IsOptionalNonNull = () =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
