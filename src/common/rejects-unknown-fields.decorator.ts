const REJECTS_UNKNOWN_FIELDS = Symbol('rejectsUnknownFields');

/**
 * Marks a body class whose unknown fields are refused (400 "01" naming them) rather than dropped: for
 * bodies where a misspelt field would otherwise leave the request a silent no-op.
 */
export const RejectsUnknownFields = (): ClassDecorator => (target) => {
  Reflect.defineMetadata(REJECTS_UNKNOWN_FIELDS, true, target);
};

export function rejectsUnknownFields(type: unknown): boolean {
  return typeof type === 'function' && Reflect.getMetadata(REJECTS_UNKNOWN_FIELDS, type) === true;
}
