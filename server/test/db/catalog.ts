import { rows, type Sql } from './sql.js';

/**
 * The schema as the catalogs describe it, one JSON line per object, sorted: tables, columns with their
 * types, defaults and generation, indexes (their full definition), constraints (their full definition;
 * NOT NULL is in `columns`) and extensions. Two databases with equal catalogs have the same schema.
 */
export type Catalog = Record<keyof typeof CATALOG_QUERIES, string[]>;

const CATALOG_QUERIES = {
  tables: `SELECT table_name, table_type FROM information_schema.tables
           WHERE table_schema = 'public' ORDER BY table_name`,
  columns: `SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default,
                   is_generated, generation_expression, is_identity, identity_generation
            FROM information_schema.columns WHERE table_schema = 'public'
            ORDER BY table_name, ordinal_position`,
  indexes: `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
            ORDER BY tablename, indexname`,
  constraints: `SELECT c.conrelid::regclass::text AS table_name, c.conname, c.contype,
                       pg_get_constraintdef(c.oid) AS definition
                FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f', 'c', 'x')
                ORDER BY 1, 2`,
  extensions: `SELECT extname FROM pg_extension ORDER BY extname`,
} as const;

export async function readCatalog(db: Sql): Promise<Catalog> {
  const catalog = {} as Catalog;
  for (const [section, sql] of Object.entries(CATALOG_QUERIES)) {
    catalog[section as keyof Catalog] = (await rows(db, sql)).map((row) => JSON.stringify(row));
  }
  return catalog;
}

/** What one catalog has that the other lacks, per section; empty arrays when they are equal. */
export function catalogDifferences(
  a: Catalog,
  b: Catalog,
): Record<string, { onlyInA: string[]; onlyInB: string[] }> {
  const differences: Record<string, { onlyInA: string[]; onlyInB: string[] }> = {};
  for (const section of Object.keys(a) as (keyof Catalog)[]) {
    const inB = new Set(b[section]);
    const inA = new Set(a[section]);
    differences[section] = {
      onlyInA: a[section].filter((line) => !inB.has(line)),
      onlyInB: b[section].filter((line) => !inA.has(line)),
    };
  }
  return differences;
}

/** Tables of the domain model (ARCHITECTURE.md "Domain model") that the migrations must create. */
export const DOMAIN_TABLES = [
  'tenants',
  'users',
  'credentials',
  'one_time_tokens',
  'login_attempts',
  'lockouts',
  'devices',
  'organizations',
  'memberships',
  'membership_roles',
  'roles',
  'user_roles',
  'invitations',
  'org_domains',
  'applications',
  'connections',
  'identities',
  'consent_policies',
  'consent_records',
  'profile_fields',
  'message_templates',
  'signing_keys',
  'oidc_models',
  'api_keys',
  'outbox',
  'deliveries',
  'webhooks',
  'audit_events',
  'webauthn_challenges',
  'totp_used_steps',
  'webauthn_user_handles',
];

export async function publicTables(db: Sql): Promise<string[]> {
  const found = await rows(
    db,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return found.map((row) => String(row.table_name));
}

/** Every table with a tenant_id column: what deleting a tenant must empty. */
export async function tenantTables(db: Sql): Promise<string[]> {
  const found = await rows(
    db,
    `SELECT table_name FROM information_schema.columns
     WHERE table_schema = 'public' AND column_name = 'tenant_id' AND table_name <> 'tenants'
     ORDER BY table_name`,
  );
  return found.map((row) => String(row.table_name));
}
