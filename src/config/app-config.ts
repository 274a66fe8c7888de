import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvironmentVariables } from './environment-variables';
import { ConfigError } from './config-error';
import { parseByteSize, parseCidrList, parseRateLimit, RateLimitRule } from './parsers';
import { assertTlsKeyPair } from './tls-key-pair';

export type Env = Readonly<Record<string, string | undefined>>;

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
  /** How often the files are checked for a renewed certificate; 0: only on SIGHUP. */
  reloadIntervalMs: number;
}

const MIN_SECRET_LENGTH = 32;

export class AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly mongodbUri: string | undefined;
  readonly dataDir: string;
  readonly ferretdbBinary: string;
  readonly jwtSecret: string;
  readonly jwtSecretSource: 'environment' | 'generated' | 'data-folder';
  readonly jwtExpiresIn: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly maxJsonBody: number;
  readonly maxProxyBody: number;
  /** TLS_CERT_FILE and TLS_KEY_FILE, a PEM certificate chain and its key: served over HTTPS when set. */
  readonly tls: TlsFiles | undefined;
  /** TRUSTED_PROXIES parsed into `address/prefix` entries (for ClientIpResolver). */
  readonly trustedProxyCidrs: readonly string[];
  readonly rateLimitLoginFailures: RateLimitRule;
  readonly rateLimitLoginFailuresPerIp: RateLimitRule;
  readonly rateLimitRegistrations: RateLimitRule;
  /** Audit events of calls refused to clients without a valid token, recorded per client and action. */
  readonly auditRefusalsPerClient: RateLimitRule;
  readonly healthcheckIntervalMs: number;
  readonly healthcheckTimeoutMs: number;
  readonly healthcheckUnhealthyThreshold: number;
  readonly healthcheckHealthyThreshold: number;
  readonly nodeDenyCidrs: string[];
  readonly nodeAllowCidrs: string[];
  readonly registrySyncIntervalMs: number;
  readonly shutdownGraceMs: number;
  readonly logEnabled: boolean;
  readonly logFlushIntervalMs: number;
  readonly logBatchSize: number;
  readonly logBufferMax: number;
  readonly logRetentionDays: number;
  /** Stored entries one log page request reads at most before it answers with what it found and a cursor. */
  readonly logPageScanLimit: number;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

export function defaultFerretdbBinary(env: Env): string {
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cacheHome, 'simple-load-balancer', 'bin', 'ferretdb');
}

export function readDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

export function loadConfig(env: Env): AppConfig {
  const vars = plainToInstance(
    EnvironmentVariables,
    { ...env },
    { enableImplicitConversion: true },
  );
  const errors = validateSync(vars, { skipMissingProperties: false });
  if (errors.length > 0) {
    const details = errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ');
    throw new ConfigError(`Invalid configuration: ${details}`);
  }
  const dataDir = resolve(vars.DATA_DIR);
  const { secret, source } = resolveJwtSecret(vars, dataDir);
  return new AppConfig({
    nodeEnv: vars.NODE_ENV,
    port: vars.PORT,
    host: vars.HOST,
    mongodbUri: vars.MONGODB_URI || undefined,
    dataDir,
    ferretdbBinary: vars.FERRETDB_BIN || defaultFerretdbBinary(env),
    jwtSecret: secret,
    jwtSecretSource: source,
    jwtExpiresIn: vars.JWT_EXPIRES_IN,
    logLevel: vars.LOG_LEVEL,
    maxJsonBody: parseByteSize(vars.MAX_JSON_BODY, 'MAX_JSON_BODY'),
    maxProxyBody: parseByteSize(vars.MAX_PROXY_BODY, 'MAX_PROXY_BODY'),
    tls: readTlsFiles(vars),
    trustedProxyCidrs: parseCidrList(vars.TRUSTED_PROXIES, 'TRUSTED_PROXIES'),
    rateLimitLoginFailures: parseRateLimit(
      vars.RATE_LIMIT_LOGIN_FAILURES,
      'RATE_LIMIT_LOGIN_FAILURES',
    ),
    rateLimitLoginFailuresPerIp: parseRateLimit(
      vars.RATE_LIMIT_LOGIN_FAILURES_PER_IP,
      'RATE_LIMIT_LOGIN_FAILURES_PER_IP',
    ),
    rateLimitRegistrations: parseRateLimit(
      vars.RATE_LIMIT_REGISTRATIONS,
      'RATE_LIMIT_REGISTRATIONS',
    ),
    auditRefusalsPerClient: parseRateLimit(
      vars.AUDIT_REFUSALS_PER_CLIENT,
      'AUDIT_REFUSALS_PER_CLIENT',
    ),
    healthcheckIntervalMs: vars.HEALTHCHECK_INTERVAL_MS,
    healthcheckTimeoutMs: vars.HEALTHCHECK_TIMEOUT_MS,
    healthcheckUnhealthyThreshold: vars.HEALTHCHECK_UNHEALTHY_THRESHOLD,
    healthcheckHealthyThreshold: vars.HEALTHCHECK_HEALTHY_THRESHOLD,
    nodeDenyCidrs: parseCidrList(vars.NODE_DENY_CIDRS, 'NODE_DENY_CIDRS'),
    nodeAllowCidrs: parseCidrList(vars.NODE_ALLOW_CIDRS, 'NODE_ALLOW_CIDRS'),
    registrySyncIntervalMs: vars.REGISTRY_SYNC_INTERVAL_MS,
    shutdownGraceMs: vars.SHUTDOWN_GRACE_MS,
    logEnabled: vars.LOG_ENABLED,
    logFlushIntervalMs: vars.LOG_FLUSH_INTERVAL_MS,
    logBatchSize: vars.LOG_BATCH_SIZE,
    logBufferMax: vars.LOG_BUFFER_MAX,
    logRetentionDays: vars.LOG_RETENTION_DAYS,
    logPageScanLimit: vars.LOG_PAGE_SCAN_LIMIT,
  });
}

function resolveJwtSecret(
  vars: EnvironmentVariables,
  dataDir: string,
): { secret: string; source: AppConfig['jwtSecretSource'] } {
  if (vars.JWT_SECRET) {
    if (vars.NODE_ENV === 'production' && isWeakSecret(vars.JWT_SECRET)) {
      throw new ConfigError(
        `JWT_SECRET is too weak for production: use at least ${MIN_SECRET_LENGTH} random characters`,
      );
    }
    return { secret: vars.JWT_SECRET, source: 'environment' };
  }
  if (vars.NODE_ENV === 'production') {
    throw new ConfigError(
      `JWT_SECRET is required in production: set it to at least ${MIN_SECRET_LENGTH} random characters`,
    );
  }
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), source: 'data-folder' };
  const secret = randomBytes(48).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return { secret, source: 'generated' };
}

function readTlsFiles(vars: EnvironmentVariables): TlsFiles | undefined {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } = vars;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    throw new ConfigError(
      'TLS_CERT_FILE and TLS_KEY_FILE go together: set both to serve HTTPS, or neither',
    );
  }
  const cert = readPem(certFile, 'TLS_CERT_FILE');
  const key = readPem(keyFile, 'TLS_KEY_FILE');
  try {
    assertTlsKeyPair(cert, key);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`TLS_CERT_FILE and TLS_KEY_FILE do not make a pair: ${reason}`);
  }
  return { certFile, keyFile, cert, key, reloadIntervalMs: vars.TLS_RELOAD_INTERVAL_MS };
}

function readPem(path: string, name: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(`${name}: cannot read ${path} (${reason})`);
  }
}

function isWeakSecret(secret: string): boolean {
  return secret.length < MIN_SECRET_LENGTH || new Set(secret).size < 10;
}
