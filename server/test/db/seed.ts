import { randomUUID } from 'node:crypto';
import { insert, insertId, type Sql, uniqueSlug } from './sql.js';

const inOneHour = (): Date => new Date(Date.now() + 3_600_000);

export async function createTenant(db: Sql, prefix = 'tenant'): Promise<string> {
  return insertId(db, 'tenants', { slug: uniqueSlug(prefix), name: prefix });
}

export async function createUser(
  db: Sql,
  tenantId: string,
  fields: { email?: string; username?: string; phone?: string; profile?: object } = {},
): Promise<string> {
  return insertId(db, 'users', { tenant_id: tenantId, email: `${randomUUID()}@example.test`, ...fields });
}

export async function createRole(
  db: Sql,
  tenantId: string,
  scope: 'tenant' | 'organization',
  name: string,
): Promise<string> {
  return insertId(db, 'roles', { tenant_id: tenantId, scope, name });
}

export async function createOrganization(
  db: Sql,
  tenantId: string,
  slug = uniqueSlug('org'),
): Promise<string> {
  return insertId(db, 'organizations', { tenant_id: tenantId, slug, name: slug });
}

export async function createConnection(
  db: Sql,
  tenantId: string,
  organizationId: string | null = null,
): Promise<string> {
  const type = organizationId ? 'oidc' : 'social';
  return insertId(db, 'connections', {
    tenant_id: tenantId,
    organization_id: organizationId,
    type,
    name: uniqueSlug(type),
  });
}

export async function createMembership(
  db: Sql,
  tenantId: string,
  userId: string,
  organizationId: string,
  roleId?: string,
): Promise<string> {
  const id = await insertId(db, 'memberships', {
    tenant_id: tenantId,
    user_id: userId,
    organization_id: organizationId,
  });
  if (roleId)
    await insert(db, 'membership_roles', { tenant_id: tenantId, membership_id: id, role_id: roleId });
  return id;
}

/** The shared things of one tenant that users hang off, plus one row of every tenant-owned table. */
export interface TenantGraph {
  tenantId: string;
  tenantRoleId: string;
  orgRoleId: string;
  organizationId: string;
  otherOrganizationId: string;
  tenantConnectionId: string;
  orgConnectionId: string;
  otherOrgConnectionId: string;
  policyId: string;
  users: [string, string];
}

export async function seedTenantGraph(db: Sql, tenantId: string): Promise<TenantGraph> {
  const organizationId = await createOrganization(db, tenantId, 'org-one');
  const otherOrganizationId = await createOrganization(db, tenantId, 'org-two');
  const graph: TenantGraph = {
    tenantId,
    tenantRoleId: await createRole(db, tenantId, 'tenant', 'admin'),
    orgRoleId: await createRole(db, tenantId, 'organization', 'member'),
    organizationId,
    otherOrganizationId,
    tenantConnectionId: await createConnection(db, tenantId),
    orgConnectionId: await createConnection(db, tenantId, organizationId),
    otherOrgConnectionId: await createConnection(db, tenantId, otherOrganizationId),
    policyId: await insertId(db, 'consent_policies', {
      tenant_id: tenantId,
      key: 'terms',
      version: 1,
      kind: 'terms',
    }),
    users: [await createUser(db, tenantId), await createUser(db, tenantId)],
  };
  for (const userId of graph.users) await seedUserFootprint(db, graph, userId);
  await seedOrganizationRows(db, graph, organizationId, 'one.example');
  await seedOrganizationRows(db, graph, otherOrganizationId, 'two.example');
  await seedTenantRows(db, tenantId);
  return graph;
}

/** Everything a user owns (and the audit event and consent receipt that only name it). */
export async function seedUserFootprint(db: Sql, graph: TenantGraph, userId: string): Promise<void> {
  const tenant_id = graph.tenantId;
  const owned = { tenant_id, user_id: userId };
  await insert(db, 'credentials', {
    ...owned,
    type: 'password',
    secret: '$argon2id$v=19$m=19456,t=2,p=1$x$y',
  });
  await insert(db, 'credentials', { ...owned, type: 'totp', secret: 'encrypted' });
  await insert(db, 'identities', {
    ...owned,
    connection_id: graph.tenantConnectionId,
    subject: randomUUID(),
  });
  await insert(db, 'identities', { ...owned, connection_id: graph.orgConnectionId, subject: randomUUID() });
  await insert(db, 'identities', {
    ...owned,
    connection_id: graph.otherOrgConnectionId,
    subject: randomUUID(),
  });
  await createMembership(db, tenant_id, userId, graph.organizationId, graph.orgRoleId);
  await createMembership(db, tenant_id, userId, graph.otherOrganizationId, graph.orgRoleId);
  await insert(db, 'user_roles', { ...owned, role_id: graph.tenantRoleId });
  await insert(db, 'devices', { ...owned, fingerprint_hash: randomUUID() });
  await insert(db, 'lockouts', { ...owned, consecutive_failures: 2 });
  await insert(db, 'webauthn_user_handles', { ...owned, handle: randomUUID() });
  await insert(db, 'webauthn_challenges', {
    ...owned,
    purpose: 'registration',
    challenge: randomUUID(),
    user_verification: 'preferred',
    expires_at: new Date(Date.now() + 60_000),
  });
  await insert(db, 'login_attempts', {
    ...owned,
    identifier: 'someone',
    method: 'password',
    succeeded: false,
  });
  await insert(db, 'one_time_tokens', {
    ...owned,
    purpose: 'password_reset',
    token_hash: randomUUID(),
    expires_at: inOneHour(),
  });
  for (const model of ['Session', 'Grant', 'RefreshToken']) {
    await insert(db, 'oidc_models', {
      tenant_id,
      model,
      id: randomUUID(),
      payload: { model },
      account_id: userId,
    });
  }
  await insert(db, 'audit_events', {
    tenant_id,
    actor_type: 'user',
    actor_id: userId,
    action: 'user.login',
    target_type: 'user',
    target_id: userId,
  });
  await insert(db, 'consent_records', {
    tenant_id,
    user_id: userId,
    policy_id: graph.policyId,
    decision: 'granted',
    source: 'registration',
  });
}

async function seedOrganizationRows(db: Sql, graph: TenantGraph, organizationId: string, domain: string) {
  const tenant_id = graph.tenantId;
  await insert(db, 'org_domains', { tenant_id, organization_id: organizationId, domain });
  await insert(db, 'invitations', {
    tenant_id,
    organization_id: organizationId,
    email: `invitee@${domain}`,
    invited_by: graph.users[0],
    token_hash: randomUUID(),
    expires_at: inOneHour(),
  });
}

/** One row of each tenant-owned table that belongs to neither a user nor an organization. */
async function seedTenantRows(db: Sql, tenant_id: string): Promise<void> {
  const applicationId = await insertId(db, 'applications', {
    tenant_id,
    name: 'Web',
    type: 'oidc',
    client_id: 'web',
  });
  await insert(db, 'applications', {
    tenant_id,
    name: 'Wiki',
    type: 'saml',
    entity_id: 'https://wiki.example/sp',
  });
  await insert(db, 'profile_fields', {
    tenant_id,
    key: 'company',
    type: 'string',
    application_id: applicationId,
  });
  await insert(db, 'message_templates', {
    tenant_id,
    kind: 'verify_email',
    locale: 'en',
    channel: 'email',
    text_body: 'Hi',
  });
  await insert(db, 'signing_keys', {
    tenant_id,
    kid: randomUUID(),
    alg: 'ES256',
    status: 'active',
    private_jwk_encrypted: 'encrypted',
    public_jwk: { kty: 'EC' },
  });
  await insert(db, 'api_keys', { tenant_id, name: 'ci', key_hash: randomUUID(), prefix: 'pk_abcd' });
  await insert(db, 'webhooks', { tenant_id, url: 'https://hooks.example/in', secret_encrypted: 'encrypted' });
  await insert(db, 'sms_providers', {
    tenant_id,
    name: 'sms',
    kind: 'webhook',
    config: { url: 'https://sms.example/hook', from: 'Example' },
    secret_encrypted: 'encrypted',
  });
  await insert(db, 'sms_sends', { tenant_id, phone: '+15555550100', ip: '198.51.100.7' });
  const outboxId = await insertId(db, 'outbox', { tenant_id, queue: 'email', name: 'send' });
  await insert(db, 'deliveries', {
    tenant_id,
    outbox_id: outboxId,
    channel: 'email',
    recipient: 'someone@example.test',
    status: 'sent',
  });
}
