import { expect } from 'chai';
import { buildGraphqlSchema } from '../../src/graphql/schema.js';
import { User } from '../../src/users/user.entity.js';
import { needsPostgres } from '../support/services.js';
import {
  codesOf,
  type GraphqlServer,
  KEYS,
  REDIRECT,
  startGraphqlServer,
  USERS,
  WEB_SECRET,
} from './harness.js';
import { operationDocument, type RootOperation, rootOperations } from './operations.js';

/** Self-service on one's own factors: any user token may call them (another's id is "not found"). */
const OWN_FACTORS = ['removeMyFactor', 'renameMyPasskey'];

/**
 * Every root field is authorized (SECURITY.md 35): API keys by scope, user tokens by tenant role
 * (`admin` reads and writes, `viewer` reads), `me` for any user token, and instance administration
 * (tenants) only for principals of tenant `system`.
 */
/** The self-service mutations every user's own token reaches (permission `self`). */
const SELF_SERVICE = [
  'updateMe',
  'revokeMySessions',
  'changeMyEmail',
  'startPhoneVerification',
  'confirmPhone',
  'changeMyPassword',
];

describe('GraphQL authorization: scopes, tenant roles, instance administration', function () {
  this.timeout(90_000);
  let api: GraphqlServer;
  let operations: RootOperation[];
  let bobId = '';
  let systemKey = '';
  let systemReaderKey = '';

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    operations = rootOperations(buildGraphqlSchema());
    const { portico } = api.server;
    bobId = (await portico.dataSource.manager.findOneByOrFail(User, { email: USERS.bob.email })).id;
    await portico.dataSource.transaction(async (manager) => {
      const system = await portico.tenants.systemTenant(manager);
      systemKey = (await portico.apiKeys.create(manager, system.id, { name: 'ops', scopes: ['admin'] })).key;
      systemReaderKey = (
        await portico.apiKeys.create(manager, system.id, { name: 'ro', scopes: ['users:read'] })
      ).key;
      // A client of the reserved tenant, so instance admins can sign in to it (as the admin console will).
      await portico.applications.create(manager, system.id, {
        name: 'Console',
        type: 'oidc',
        clientId: 'web',
        clientSecret: WEB_SECRET,
        firstParty: true,
        config: { redirectUris: [REDIRECT], grantTypes: ['authorization_code'] },
      });
    });
  });
  after(async () => api?.close());

  /** Issue 5: the self-service consent mutations of every user, and what tenant readers read. */
  const SELF_CONSENT = ['grantMyConsent', 'withdrawMyConsent'];
  const CONSENT_AND_PROFILE_READS = [
    'consentPolicies',
    'consentPolicyVersions',
    'consentRecords',
    'exportConsentRecords',
    'profileFields',
  ];

  let counter = 0;
  /** Runs one root operation with minimal arguments; returns its error codes. */
  async function run(operation: RootOperation, auth: string, id = bobId) {
    counter += 1;
    const { query, variables } = operationDocument(operation, id, `authz-${counter}-${Date.now()}`);
    const response = await api.gql(query, variables, auth);
    return codesOf(response);
  }

  const named = (...names: string[]) => operations.filter((o) => names.includes(o.field.name));
  const except = (...names: string[]) => operations.filter((o) => !names.includes(o.field.name));
  const mutations = () => operations.filter((o) => o.kind === 'mutation');

  async function expectForbidden(list: RootOperation[], auth: string) {
    for (const operation of list) {
      expect(await run(operation, auth), operation.field.name).to.deep.equal(['FORBIDDEN']);
    }
  }

  async function expectAllowed(list: RootOperation[], auth: string) {
    for (const operation of list) {
      const codes = await run(operation, auth);
      expect(codes, operation.field.name).to.not.include('FORBIDDEN');
      expect(codes, operation.field.name).to.not.include('UNAUTHENTICATED');
    }
  }

  it('a users:read key reads users but cannot run any mutation', async () => {
    await expectAllowed(named('users', 'user'), KEYS.acmeReader);
    await expectForbidden(mutations(), KEYS.acmeReader);
    await expectForbidden(named('auditEvents', 'tenants', 'me'), KEYS.acmeReader);
  });

  it('a users:write key manages users (its write includes read) but reads no audit log', async () => {
    await expectAllowed(named('users', 'createUser', 'updateUser'), KEYS.acmeWriter);
    await expectForbidden(named('auditEvents', 'createTenant', 'updateMe'), KEYS.acmeWriter);
  });

  it('an audit:read key reads the audit log and nothing else', async () => {
    await expectAllowed(named('auditEvents'), KEYS.acmeAuditor);
    await expectForbidden(named('users', 'user', 'createUser', 'tenants'), KEYS.acmeAuditor);
  });

  it("a user's token without a tenant role reaches only me, updateMe, revokeMySessions and its own node", async () => {
    const token = await api.userToken('acme', USERS.bob);
    await expectAllowed(named('me', 'updateMe', 'grantMyConsent', 'withdrawMyConsent'), token);
    await expectForbidden(except('me', 'node', ...SELF_SERVICE, ...SELF_CONSENT, ...OWN_FACTORS), token);
    const own = await api.gql<{ node: { id: string } | null }>(
      'query($id: ID!) { node(id: $id) { id } }',
      { id: bobId },
      token,
    );
    expect(own.data!.node).to.deep.equal({ id: bobId });
    const alice = await api.server.portico.dataSource.manager.findOneByOrFail(User, {
      email: USERS.alice.email,
    });
    const other = await api.gql('query($id: ID!) { node(id: $id) { id } }', { id: alice.id }, token);
    expect(other.data!.node).to.equal(null);
    // Its own organizations, but not another user's.
    const orgs = await api.gql('{ me { organizations { slug } } }', {}, token);
    expect(orgs.errors).to.equal(undefined);
  });

  it('a viewer reads the tenant but cannot change it', async () => {
    const token = await api.userToken('acme', USERS.victor);
    const reads = [
      'users',
      'user',
      'auditEvents',
      'me',
      'userSessions',
      'organizations',
      'organization',
      'applications',
      'application',
      'roles',
      ...CONSENT_AND_PROFILE_READS,
      'messageTemplates',
      'smsProviders',
      'deliveries',
      'deadMessages',
    ];
    await expectAllowed(named(...reads), token);
    await expectForbidden(
      except(...reads, 'node', ...SELF_SERVICE, ...SELF_CONSENT, 'tenants', 'createTenant', ...OWN_FACTORS),
      token,
    );
    await expectForbidden(named('tenants', 'createTenant'), token);
  });

  it('a tenant admin (token or admin key) administers its tenant but cannot list or create tenants', async () => {
    const token = await api.userToken('acme', USERS.alice);
    for (const auth of [token, KEYS.acmeAdmin]) {
      await expectAllowed(named('users', 'createUser', 'auditEvents'), auth);
      await expectForbidden(named('tenants', 'createTenant'), auth);
    }
  });

  it('instance principals (tenant system: an admin key, an instance admin token) list and create tenants', async () => {
    const token = await api.userToken('system', USERS.root);
    for (const [i, auth] of [systemKey, token].entries()) {
      const created = await api.gql<{ createTenant: { slug: string } }>(
        'mutation($input: CreateTenantInput!) { createTenant(input: $input) { id slug name status } }',
        { input: { slug: `initech-${i}`, name: 'Initech' } },
        auth,
      );
      expect(created.errors).to.equal(undefined);
      expect(created.data!.createTenant.slug).to.equal(`initech-${i}`);
      const listed = await api.gql<{ tenants: { edges: { node: { slug: string } }[] } }>(
        '{ tenants(first: 100) { edges { node { slug } } } }',
        {},
        auth,
      );
      expect(listed.data!.tenants.edges.map((e) => e.node.slug)).to.include.members([
        'acme',
        'umbrella',
        `initech-${i}`,
      ]);
    }
    await expectForbidden(named('createTenant', 'tenants'), systemReaderKey);
    const taken = await api.gql(
      'mutation { createTenant(input: { slug: "acme", name: "Again" }) { id } }',
      {},
      systemKey,
    );
    expect(codesOf(taken)).to.deep.equal(['CONFLICT']);
    expect(taken.errors![0]!.extensions!.fields).to.have.property('slug');
  });

  it('checks edges too: a users:read key gets the users but not their organizations', async () => {
    const response = await api.gql(
      '{ users(first: 5) { edges { node { email organizations { slug } } } } }',
      {},
      KEYS.acmeReader,
    );
    expect(codesOf(response)).to.include('FORBIDDEN');
    expect(response.errors![0]!.path).to.include('organizations');
  });
});
