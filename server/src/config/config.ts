import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The server's configuration, parsed once at boot from the environment (ARCHITECTURE.md "Public
 * contract"). Every variable is typed and defaulted here and documented in README.md and example.env;
 * `loadConfig` collects every problem and throws one ConfigError listing them all.
 */
export interface Config {
  nodeEnv: string;
  production: boolean;
  host: string;
  port: number;
  publicUrl: string;
  trustProxy: boolean | number | string | undefined;
  managementPort: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** The raw key ring; undefined only in embedded mode, where it is generated into the data dir. */
  secretKey: string | undefined;
  kickstartFile: string | undefined;
  workers: 'inline' | 'off';
  migrateOnStart: boolean;
  bootstrapAdmin: { email: string; password: string } | undefined;
  dataDir: string;
  webConcurrency: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Hosts (`host` or `host:port`) that outbound calls (back-channel logout, JWKS, webhooks) may reach
   * even though they resolve to private or loopback addresses; everything else private is refused.
   */
  outboundAllowedHosts: string[];
  /** True when no DATABASE_URL is set: PGlite, generated secret key, in-process jobs. */
  embedded: boolean;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Variables that may also be given as `NAME_FILE` (a path whose contents are the value). */
export const SECRET_VARIABLES = [
  'DATABASE_URL',
  'REDIS_URL',
  'SMTP_URL',
  'PORTICO_SECRET_KEY',
  'PORTICO_BOOTSTRAP_ADMIN_PASSWORD',
] as const;

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = (protocols: string[]) =>
  z
    .url({ protocol: new RegExp(`^(${protocols.join('|')})$`) })
    .optional()
    .describe(`${protocols.join(' or ')} URL`);

const environmentSchema = z.object({
  NODE_ENV: z.string().default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRUST_PROXY: z.string().optional(),
  MANAGEMENT_PORT: port.default(9000),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  SMTP_URL: optionalUrl(['smtp', 'smtps']),
  SMTP_FROM: z.string().min(3).default('Portico <no-reply@localhost>'),
  PORTICO_SECRET_KEY: z.string().min(1).optional(),
  PORTICO_KICKSTART: z.string().min(1).optional(),
  PORTICO_WORKERS: z.enum(['inline', 'off']).default('inline'),
  PORTICO_MIGRATE_ON_START: flag.default(true),
  PORTICO_BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
  PORTICO_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(1).optional(),
  PORTICO_DATA_DIR: z.string().min(1).default('.portico'),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORTICO_OUTBOUND_ALLOWED_HOSTS: z.string().optional(),
});

/**
 * Every environment variable the server reads, `NAME_FILE` forms included. Deployment files (compose,
 * Helm chart, example.env) are checked against this list, so it must be derived, never hand-kept.
 */
export const CONFIG_VARIABLES: readonly string[] = [
  ...Object.keys(environmentSchema.shape),
  ...SECRET_VARIABLES.map((name) => `${name}_FILE`),
];

type Environment = Record<string, string | undefined>;

export function loadConfig(env: Environment = process.env): Config {
  const problems: string[] = [];
  const resolved = resolveFileVariables(env, problems);
  const parsed = environmentSchema.safeParse(resolved);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${String(issue.path[0])}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  checkPublicUrl(publicUrl, problems);
  const config: Config = {
    nodeEnv: e.NODE_ENV,
    production: e.NODE_ENV === 'production',
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    managementPort: e.MANAGEMENT_PORT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    secretKey: e.PORTICO_SECRET_KEY,
    kickstartFile: e.PORTICO_KICKSTART,
    workers: e.PORTICO_WORKERS,
    migrateOnStart: e.PORTICO_MIGRATE_ON_START,
    bootstrapAdmin: bootstrapAdmin(
      e.PORTICO_BOOTSTRAP_ADMIN_EMAIL,
      e.PORTICO_BOOTSTRAP_ADMIN_PASSWORD,
      problems,
    ),
    dataDir: e.PORTICO_DATA_DIR,
    webConcurrency: e.WEB_CONCURRENCY,
    logLevel: e.LOG_LEVEL,
    outboundAllowedHosts: (e.PORTICO_OUTBOUND_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    embedded: e.DATABASE_URL === undefined,
  };
  checkModeRules(config, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** `NAME_FILE` gives a secret from a file (Docker/Kubernetes secrets); setting both is an error. */
function resolveFileVariables(env: Environment, problems: string[]): Environment {
  const out: Environment = { ...env };
  for (const name of SECRET_VARIABLES) {
    const filePath = env[`${name}_FILE`];
    if (filePath === undefined || filePath === '') continue;
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`${name} and ${name}_FILE are both set: set only one`);
      continue;
    }
    try {
      out[name] = readFileSync(filePath, 'utf8').trim();
    } catch {
      problems.push(`${name}_FILE: cannot read ${filePath}`);
    }
  }
  // An empty variable means "unset", as in most twelve-factor servers.
  for (const [key, value] of Object.entries(out)) if (value === '') delete out[key];
  return out;
}

function checkPublicUrl(publicUrl: string, problems: string[]): void {
  const url = new URL(publicUrl);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    problems.push('PUBLIC_URL: must be an origin with no path, query or fragment');
  }
}

function parseTrustProxy(value: string | undefined): Config['trustProxy'] {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // addresses, CIDRs or names such as "loopback", as Express understands them
}

function bootstrapAdmin(email: string | undefined, password: string | undefined, problems: string[]) {
  if (email === undefined && password === undefined) return undefined;
  if (email === undefined || password === undefined) {
    problems.push('PORTICO_BOOTSTRAP_ADMIN_EMAIL and PORTICO_BOOTSTRAP_ADMIN_PASSWORD must be set together');
    return undefined;
  }
  return { email, password };
}

/** ARCHITECTURE.md "Modes". */
function checkModeRules(config: Config, problems: string[]): void {
  if (config.production) {
    if (config.databaseUrl === undefined) problems.push('DATABASE_URL: required in production');
    if (config.secretKey === undefined) problems.push('PORTICO_SECRET_KEY: required in production');
    if (config.redisUrl === undefined) problems.push('REDIS_URL: required in production');
    if (config.smtpUrl === undefined) problems.push('SMTP_URL: required in production');
    if (!config.publicUrl.startsWith('https://')) problems.push('PUBLIC_URL: must be https in production');
  } else if (config.databaseUrl !== undefined && config.secretKey === undefined) {
    problems.push('PORTICO_SECRET_KEY: required with DATABASE_URL (every replica and the CLI must share it)');
  }
  if (config.workers === 'off' && config.redisUrl === undefined) {
    problems.push('PORTICO_WORKERS=off needs REDIS_URL: without it no other process could run the jobs');
  }
  if (config.webConcurrency > 1 && config.embedded) {
    problems.push('WEB_CONCURRENCY: more than one process needs DATABASE_URL (PGlite is single-process)');
  }
}
