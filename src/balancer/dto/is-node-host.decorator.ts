import { isIP } from 'node:net';
import { ValidateBy, ValidationOptions } from 'class-validator';

const HOSTNAME =
  /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function isNodeHost(value: unknown): boolean {
  return typeof value === 'string' && (isIP(value) !== 0 || HOSTNAME.test(value));
}

export function IsNodeHost(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNodeHost',
      validator: {
        validate: isNodeHost,
        defaultMessage: () => 'host must be a hostname or an IP address, without scheme, port or path',
      },
    },
    options,
  );
}
