import { rangeEqualsIgnoreCase } from './ascii';

export const HeaderRole = {
  Pass: 0,
  HopByHop: 1,
  Connection: 2,
  Te: 3,
  Host: 4,
  ForwardedFor: 5,
  ForwardedProto: 6,
  ForwardedHost: 7,
  RequestId: 8,
  Expect: 9,
  Forwarded: 10,
} as const;

export type HeaderRole = (typeof HeaderRole)[keyof typeof HeaderRole];

/** RFC 9110 §7.6.1 connection-specific fields, besides Connection and TE themselves. */
const HOP_BY_HOP_HEADERS: readonly string[] = [
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

const SPECIAL_ROLES: readonly (readonly [string, HeaderRole])[] = [
  ...HOP_BY_HOP_HEADERS.map((name) => [name, HeaderRole.HopByHop] as const),
  ['connection', HeaderRole.Connection],
  ['te', HeaderRole.Te],
  ['host', HeaderRole.Host],
  ['x-forwarded-for', HeaderRole.ForwardedFor],
  ['forwarded', HeaderRole.Forwarded],
  ['x-forwarded-proto', HeaderRole.ForwardedProto],
  ['x-forwarded-host', HeaderRole.ForwardedHost],
  ['x-request-id', HeaderRole.RequestId],
  ['expect', HeaderRole.Expect],
];

/**
 * The special names by their length: a name of any other length passes through without being looked at, and
 * one of a listed length is compared with a name or two, ignoring ASCII case, without hashing or lower-casing.
 */
const SPECIAL_BY_LENGTH: ((readonly [string, HeaderRole])[] | undefined)[] = [];
for (const special of SPECIAL_ROLES) (SPECIAL_BY_LENGTH[special[0].length] ??= []).push(special);

export function headerRoleOf(name: string): HeaderRole {
  if (name.length >= SPECIAL_BY_LENGTH.length) return HeaderRole.Pass;
  const candidates = SPECIAL_BY_LENGTH[name.length];
  if (candidates === undefined) return HeaderRole.Pass;
  for (let i = 0; i < candidates.length; i++) {
    if (rangeEqualsIgnoreCase(name, 0, name.length, candidates[i][0])) return candidates[i][1];
  }
  return HeaderRole.Pass;
}
