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

/** Listed so that their usual spellings resolve without lower-casing. */
const COMMON_PASS_THROUGH = [
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-ranges',
  'access-control-allow-origin',
  'age',
  'authorization',
  'cache-control',
  'content-encoding',
  'content-language',
  'content-length',
  'content-type',
  'cookie',
  'date',
  'if-modified-since',
  'if-none-match',
  'last-modified',
  'location',
  'origin',
  'pragma',
  'referer',
  'server',
  'set-cookie',
  'strict-transport-security',
  'user-agent',
  'vary',
  'x-powered-by',
];

const ROLE_BY_NAME: Record<string, HeaderRole | undefined> = Object.create(null);
const LOWERCASE_BY_NAME: Record<string, string | undefined> = Object.create(null);

function register(lowercase: string, role: HeaderRole, ...extraSpellings: string[]): void {
  const spellings = [lowercase, titleCase(lowercase), lowercase.toUpperCase(), ...extraSpellings];
  for (const spelling of spellings) {
    ROLE_BY_NAME[spelling] = role;
    LOWERCASE_BY_NAME[spelling] = lowercase;
  }
}

function titleCase(lowercase: string): string {
  return lowercase
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}

for (const [name, role] of SPECIAL_ROLES) register(name, role);
for (const name of COMMON_PASS_THROUGH) register(name, HeaderRole.Pass);
register('etag', HeaderRole.Pass, 'ETag');
register('www-authenticate', HeaderRole.Pass, 'WWW-Authenticate');

export function lowercaseHeaderName(name: string): string {
  return LOWERCASE_BY_NAME[name] ?? name.toLowerCase();
}

export function headerRoleOf(name: string): HeaderRole {
  const role = ROLE_BY_NAME[name];
  if (role !== undefined) return role;
  return ROLE_BY_NAME[name.toLowerCase()] ?? HeaderRole.Pass;
}
