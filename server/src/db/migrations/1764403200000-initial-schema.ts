import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The core domain model (ARCHITECTURE.md "Domain model"). Hand-written; never edit after it lands —
 * add a new migration instead. Runs unchanged on PostgreSQL and PGlite.
 *
 * Tenant consistency is enforced by the schema, not by code: child rows reference their parent through
 * composite keys `(tenant_id, x_id) → parent(tenant_id, id)`, so a row can never point into another
 * tenant. Deleting a user cascades to everything that belongs to it except audit events and consent
 * receipts, which keep the user id without a foreign key and are scrubbed on erasure.
 */
export class InitialSchema1764403200000 implements MigrationInterface {
  name = 'InitialSchema1764403200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    for (const statement of SCHEMA) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await db.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
  }
}

const TABLES = [
  'tenants',
  'users',
  'credentials',
  'one_time_tokens',
  'login_attempts',
  'lockouts',
  'devices',
  'organizations',
  'roles',
  'user_roles',
  'memberships',
  'membership_roles',
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
];

const id = `id uuid PRIMARY KEY DEFAULT gen_random_uuid()`;
const timestamps = `created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now()`;
const tenant = `tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE`;
const ownedByUser = `user_id uuid NOT NULL, FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE`;

const SCHEMA = [
  `CREATE TABLE tenants (
    ${id},
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name text NOT NULL,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    settings jsonb NOT NULL DEFAULT '{}',
    ${timestamps}
  )`,
  // The reserved tenant of instance admins (ARCHITECTURE.md "Tenants, admins and sessions").
  `INSERT INTO tenants (slug, name) VALUES ('system', 'Instance administration')`,

  `CREATE TABLE users (
    ${id}, ${tenant},
    email text CHECK (email IS NULL OR length(email) <= 320),
    email_normalized text GENERATED ALWAYS AS (lower(email)) STORED,
    email_verified boolean NOT NULL DEFAULT false,
    username text,
    phone text CHECK (phone IS NULL OR phone ~ '^\\+[1-9][0-9]{6,14}$'),
    phone_verified boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    profile jsonb NOT NULL DEFAULT '{}',
    search_name text GENERATED ALWAYS AS (
      lower(btrim(coalesce(profile->>'givenName', '') || ' ' || coalesce(profile->>'familyName', '')))
    ) STORED,
    login_count integer NOT NULL DEFAULT 0,
    last_login_at timestamptz,
    ${timestamps},
    UNIQUE (tenant_id, id)
  )`,
  `CREATE UNIQUE INDEX users_email_uq ON users (tenant_id, email_normalized)`,
  `CREATE UNIQUE INDEX users_username_uq ON users (tenant_id, lower(username))`,
  `CREATE UNIQUE INDEX users_phone_verified_uq ON users (tenant_id, phone) WHERE phone_verified`,
  // Prefix search: left-anchored LIKE on a text_pattern_ops btree, inside one tenant.
  `CREATE INDEX users_email_prefix_idx ON users (tenant_id, email_normalized text_pattern_ops)`,
  `CREATE INDEX users_name_prefix_idx ON users (tenant_id, search_name text_pattern_ops)`,
  `CREATE INDEX users_phone_prefix_idx ON users (tenant_id, phone text_pattern_ops)`,
  // Substring search (3+ characters): trigram GIN indexes.
  `CREATE INDEX users_email_trgm_idx ON users USING gin (email_normalized gin_trgm_ops)`,
  `CREATE INDEX users_name_trgm_idx ON users USING gin (search_name gin_trgm_ops)`,
  `CREATE INDEX users_phone_trgm_idx ON users USING gin (phone gin_trgm_ops)`,
  `CREATE INDEX users_created_idx ON users (tenant_id, created_at, id)`,
  `CREATE INDEX users_status_idx ON users (tenant_id, status)`,

  `CREATE TABLE credentials (
    ${id}, ${tenant}, ${ownedByUser},
    type text NOT NULL CHECK (type IN ('password', 'totp', 'webauthn', 'recovery')),
    name text,
    secret text,
    data jsonb NOT NULL DEFAULT '{}',
    webauthn_credential_id text,
    sign_count bigint,
    last_used_at timestamptz,
    ${timestamps}
  )`,
  `CREATE UNIQUE INDEX credentials_one_password_uq ON credentials (user_id) WHERE type = 'password'`,
  `CREATE UNIQUE INDEX credentials_webauthn_uq ON credentials (tenant_id, webauthn_credential_id)
     WHERE webauthn_credential_id IS NOT NULL`,
  `CREATE INDEX credentials_user_idx ON credentials (user_id, type)`,

  `CREATE TABLE one_time_tokens (
    ${id}, ${tenant},
    user_id uuid, FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN
      ('email_verification', 'password_reset', 'magic_link', 'email_otp', 'sms_otp', 'phone_verification',
       'email_change', 'invitation')),
    token_hash text NOT NULL UNIQUE,
    attempts integer NOT NULL DEFAULT 0,
    data jsonb NOT NULL DEFAULT '{}',
    expires_at timestamptz NOT NULL,
    consumed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (tenant_id, user_id, purpose)`,
  `CREATE INDEX one_time_tokens_expiry_idx ON one_time_tokens (expires_at)`,

  `CREATE TABLE login_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${tenant},
    user_id uuid, FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE,
    identifier text NOT NULL,
    ip text,
    method text NOT NULL,
    succeeded boolean NOT NULL,
    reason text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX login_attempts_user_idx ON login_attempts (tenant_id, user_id, created_at)`,
  `CREATE INDEX login_attempts_ip_idx ON login_attempts (tenant_id, ip, created_at)`,
  `CREATE INDEX login_attempts_created_idx ON login_attempts (created_at)`,

  `CREATE TABLE lockouts (
    ${tenant}, ${ownedByUser},
    consecutive_failures integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    last_failure_at timestamptz,
    PRIMARY KEY (tenant_id, user_id)
  )`,

  `CREATE TABLE devices (
    ${id}, ${tenant}, ${ownedByUser},
    fingerprint_hash text NOT NULL,
    name text,
    user_agent text,
    last_ip text,
    remembered_until timestamptz,
    risk jsonb NOT NULL DEFAULT '{}',
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, fingerprint_hash)
  )`,

  `CREATE TABLE organizations (
    ${id}, ${tenant},
    slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name text NOT NULL,
    metadata jsonb NOT NULL DEFAULT '{}',
    ${timestamps},
    UNIQUE (tenant_id, slug),
    UNIQUE (tenant_id, id)
  )`,

  // Roles are defined per tenant: scope 'tenant' (held by users: admin, viewer, …) or 'organization'
  // (templates held through memberships in any organization of the tenant).
  `CREATE TABLE roles (
    ${id}, ${tenant},
    scope text NOT NULL CHECK (scope IN ('tenant', 'organization')),
    name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_:.-]{0,62}$'),
    description text,
    permissions text[] NOT NULL DEFAULT '{}',
    ${timestamps},
    UNIQUE (tenant_id, scope, name),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE user_roles (
    ${tenant}, ${ownedByUser},
    role_id uuid NOT NULL, FOREIGN KEY (tenant_id, role_id) REFERENCES roles(tenant_id, id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, role_id)
  )`,
  `CREATE TABLE memberships (
    ${id}, ${tenant}, ${ownedByUser},
    organization_id uuid NOT NULL,
    FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations(tenant_id, id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, user_id),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE INDEX memberships_user_idx ON memberships (user_id)`,
  `CREATE TABLE membership_roles (
    ${tenant},
    membership_id uuid NOT NULL,
    FOREIGN KEY (tenant_id, membership_id) REFERENCES memberships(tenant_id, id) ON DELETE CASCADE,
    role_id uuid NOT NULL, FOREIGN KEY (tenant_id, role_id) REFERENCES roles(tenant_id, id) ON DELETE CASCADE,
    PRIMARY KEY (membership_id, role_id)
  )`,
  `CREATE TABLE invitations (
    ${id}, ${tenant},
    organization_id uuid NOT NULL,
    FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations(tenant_id, id) ON DELETE CASCADE,
    email text NOT NULL,
    role_ids uuid[] NOT NULL DEFAULT '{}',
    invited_by uuid,
    FOREIGN KEY (tenant_id, invited_by) REFERENCES users(tenant_id, id) ON DELETE SET NULL (invited_by),
    token_hash text NOT NULL UNIQUE,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'revoked', 'expired')),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX invitations_org_idx ON invitations (organization_id, status)`,
  `CREATE TABLE org_domains (
    ${id}, ${tenant},
    organization_id uuid NOT NULL,
    FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations(tenant_id, id) ON DELETE CASCADE,
    domain text NOT NULL CHECK (domain = lower(domain) AND domain ~ '^[a-z0-9.-]+\\.[a-z0-9-]+$'),
    verification_token text,
    verified_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, domain)
  )`,

  `CREATE TABLE applications (
    ${id}, ${tenant},
    name text NOT NULL,
    type text NOT NULL CHECK (type IN ('oidc', 'saml')),
    client_id text,
    client_secret_encrypted text,
    entity_id text,
    first_party boolean NOT NULL DEFAULT false,
    config jsonb NOT NULL DEFAULT '{}',
    ${timestamps},
    CHECK ((type = 'oidc' AND client_id IS NOT NULL) OR (type = 'saml' AND entity_id IS NOT NULL)),
    UNIQUE (tenant_id, client_id),
    UNIQUE (tenant_id, entity_id),
    UNIQUE (tenant_id, id)
  )`,

  `CREATE TABLE connections (
    ${id}, ${tenant},
    organization_id uuid,
    FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations(tenant_id, id) ON DELETE CASCADE,
    type text NOT NULL CHECK (type IN ('social', 'oidc', 'saml')),
    name text NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    config jsonb NOT NULL DEFAULT '{}',
    secret_encrypted text,
    ${timestamps},
    UNIQUE NULLS NOT DISTINCT (tenant_id, organization_id, name),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE identities (
    ${id}, ${tenant}, ${ownedByUser},
    connection_id uuid NOT NULL,
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections(tenant_id, id) ON DELETE CASCADE,
    subject text NOT NULL,
    profile jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    UNIQUE (connection_id, subject)
  )`,
  `CREATE INDEX identities_user_idx ON identities (user_id)`,

  `CREATE TABLE consent_policies (
    ${id}, ${tenant},
    key text NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    kind text NOT NULL CHECK (kind IN ('terms', 'privacy', 'marketing', 'custom')),
    required boolean NOT NULL DEFAULT false,
    title jsonb NOT NULL DEFAULT '{}',
    url text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, key, version),
    UNIQUE (tenant_id, id)
  )`,
  // Receipts outlive the user (no foreign key to users); personal fields are scrubbed on erasure.
  `CREATE TABLE consent_records (
    ${id}, ${tenant},
    user_id uuid NOT NULL,
    policy_id uuid NOT NULL,
    FOREIGN KEY (tenant_id, policy_id) REFERENCES consent_policies(tenant_id, id) ON DELETE RESTRICT,
    decision text NOT NULL CHECK (decision IN ('granted', 'withdrawn')),
    source text NOT NULL,
    ip text,
    user_agent text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX consent_records_user_idx ON consent_records (tenant_id, user_id, created_at)`,

  `CREATE TABLE profile_fields (
    ${id}, ${tenant},
    key text NOT NULL CHECK (key ~ '^[a-zA-Z][a-zA-Z0-9_]{0,62}$'),
    type text NOT NULL CHECK (type IN ('string', 'number', 'boolean', 'date', 'enum')),
    labels jsonb NOT NULL DEFAULT '{}',
    validation jsonb NOT NULL DEFAULT '{}',
    required_at text CHECK (required_at IN ('signup', 'after_logins', 'before_application')),
    required_after_logins integer,
    application_id uuid,
    FOREIGN KEY (tenant_id, application_id) REFERENCES applications(tenant_id, id) ON DELETE CASCADE,
    position integer NOT NULL DEFAULT 0,
    ${timestamps},
    UNIQUE (tenant_id, key)
  )`,
  `CREATE TABLE message_templates (
    ${id}, ${tenant},
    kind text NOT NULL,
    locale text NOT NULL,
    channel text NOT NULL CHECK (channel IN ('email', 'sms')),
    subject text,
    text_body text NOT NULL,
    html_body text,
    ${timestamps},
    UNIQUE (tenant_id, kind, channel, locale)
  )`,
  `CREATE TABLE signing_keys (
    ${id}, ${tenant},
    kid text NOT NULL,
    alg text NOT NULL,
    status text NOT NULL CHECK (status IN ('next', 'active', 'retired')),
    private_jwk_encrypted text NOT NULL,
    public_jwk jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    activated_at timestamptz,
    retired_at timestamptz,
    remove_after timestamptz,
    UNIQUE (tenant_id, kid)
  )`,
  // oidc-provider's models: one jsonb table keyed by tenant, model and id. account_id references the
  // user so that deleting a user deletes its sessions, grants and tokens.
  `CREATE TABLE oidc_models (
    ${tenant},
    model text NOT NULL,
    id text NOT NULL,
    payload jsonb NOT NULL,
    grant_id text,
    user_code text,
    uid text,
    account_id uuid,
    FOREIGN KEY (tenant_id, account_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE,
    expires_at timestamptz,
    consumed_at timestamptz,
    PRIMARY KEY (tenant_id, model, id)
  )`,
  `CREATE INDEX oidc_models_grant_idx ON oidc_models (tenant_id, grant_id) WHERE grant_id IS NOT NULL`,
  `CREATE INDEX oidc_models_user_code_idx ON oidc_models (tenant_id, model, user_code) WHERE user_code IS NOT NULL`,
  `CREATE INDEX oidc_models_uid_idx ON oidc_models (tenant_id, model, uid) WHERE uid IS NOT NULL`,
  `CREATE INDEX oidc_models_account_idx ON oidc_models (tenant_id, account_id) WHERE account_id IS NOT NULL`,
  `CREATE INDEX oidc_models_expiry_idx ON oidc_models (expires_at) WHERE expires_at IS NOT NULL`,

  `CREATE TABLE api_keys (
    ${id}, ${tenant},
    name text NOT NULL,
    key_hash text NOT NULL UNIQUE,
    prefix text NOT NULL,
    scopes text[] NOT NULL DEFAULT '{}',
    -- may be an instance admin (tenant "system") acting on this tenant, hence no composite key
    created_by uuid REFERENCES users(id) ON DELETE SET NULL,
    last_used_at timestamptz,
    expires_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
  )`,

  // Every job is backed by an outbox row written in the caller's transaction (ARCHITECTURE.md
  // "Processes and scaling"): Redis may lose a job, PostgreSQL does not.
  `CREATE TABLE outbox (
    ${id},
    tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
    queue text NOT NULL,
    name text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'enqueued', 'done', 'dead', 'dropped')),
    attempts integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 8 CHECK (max_attempts >= 1),
    last_error text,
    available_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    enqueued_at timestamptz,
    processed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX outbox_relay_idx ON outbox (available_at) WHERE status IN ('pending', 'enqueued')`,
  `CREATE INDEX outbox_dead_idx ON outbox (tenant_id, created_at) WHERE status = 'dead'`,
  `CREATE TABLE deliveries (
    ${id},
    outbox_id uuid NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
    channel text NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    recipient text NOT NULL,
    provider text,
    status text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'dead', 'dropped')),
    attempt integer NOT NULL DEFAULT 1,
    error text,
    provider_message_id text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX deliveries_outbox_idx ON deliveries (outbox_id)`,
  `CREATE INDEX deliveries_tenant_idx ON deliveries (tenant_id, created_at)`,
  `CREATE TABLE webhooks (
    ${id}, ${tenant},
    url text NOT NULL,
    secret_encrypted text NOT NULL,
    events text[] NOT NULL DEFAULT '{}',
    enabled boolean NOT NULL DEFAULT true,
    ${timestamps}
  )`,

  // Audit events outlive the user (no foreign key to users).
  `CREATE TABLE audit_events (
    ${id}, ${tenant},
    actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system', 'admin')),
    actor_id text,
    action text NOT NULL,
    target_type text,
    target_id text,
    ip text,
    user_agent text,
    data jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX audit_events_time_idx ON audit_events (tenant_id, created_at DESC, id)`,
  `CREATE INDEX audit_events_actor_idx ON audit_events (tenant_id, actor_id, created_at DESC)`,
  `CREATE INDEX audit_events_target_idx ON audit_events (tenant_id, target_id, created_at DESC)`,
  `CREATE INDEX audit_events_action_idx ON audit_events (tenant_id, action, created_at DESC)`,
];
