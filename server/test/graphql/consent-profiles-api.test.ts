import { expect } from 'chai';
import { codeRequest, completeHostedPages } from '../../../test/support/oidc-flows.js';
import { UserAgent } from '../../../test/support/user-agent.js';
import { ConsentRecord } from '../../src/consent/consent.entity.js';
import { accountFinder } from '../../src/oidc/oidc-accounts.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
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

interface UserConsent {
  policy: { key: string; version: number };
  decision: string | null;
  decidedVersion: number | null;
  decidedAt: string | null;
  pending: boolean;
}

const PUBLISH = `mutation($input: PublishConsentPolicyInput!) {
  publishConsentPolicy(input: $input) { id key version kind required title url } }`;
const MY_CONSENTS =
  '{ me { consents { policy { key version } decision decidedVersion decidedAt pending } } }';
const RECEIPTS = `query($filter: ConsentRecordsFilter, $first: Int, $after: String) {
  consentRecords(filter: $filter, first: $first, after: $after) {
    edges { cursor node { userId policyKey policyVersion decision source ip userAgent createdAt } }
    pageInfo { hasNextPage endCursor } } }`;

/**
 * Consent and profile fields through the GraphQL API (issue 5): administrators publish policy versions
 * and read and export receipts, users see and change their own consents, and a new version of a
 * required policy makes it pending again. Scopes: reading needs users:read, writing users:write.
 */
describe('GraphQL consent policies, receipts and profile fields', function () {
  this.timeout(120_000);
  let api: GraphqlServer;
  let bobToken: string;
  let bobId: string;

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    bobToken = await api.userToken('acme', USERS.bob);
    bobId = (await api.server.portico.dataSource.manager.findOneByOrFail(User, { email: USERS.bob.email }))
      .id;
  });
  after(async () => api?.close());

  const myConsents = async () =>
    (await api.gql<{ me: { consents: UserConsent[] } }>(MY_CONSENTS, {}, bobToken)).data?.me.consents ?? [];

  it('publishes versions with users:write; readers and auditors cannot', async () => {
    const input = {
      key: 'terms',
      kind: 'terms',
      required: true,
      title: { en: 'Terms of service', de: 'Nutzungsbedingungen' },
      url: 'https://acme.example/terms/1',
    };
    expect(codesOf(await api.gql(PUBLISH, { input }, KEYS.acmeReader))).to.deep.equal(['FORBIDDEN']);
    const v1 = await api.gql<{ publishConsentPolicy: { version: number } }>(
      PUBLISH,
      { input },
      KEYS.acmeWriter,
    );
    expect(v1.errors).to.equal(undefined);
    expect(v1.data?.publishConsentPolicy).to.include({
      key: 'terms',
      version: 1,
      kind: 'terms',
      required: true,
    });
    const list = await api.gql<{ consentPolicies: { key: string }[] }>(
      '{ consentPolicies { key version } }',
      {},
      KEYS.acmeReader,
    );
    expect(list.data?.consentPolicies).to.deep.equal([{ key: 'terms', version: 1 }]);
    expect(codesOf(await api.gql('{ consentPolicies { key } }', {}, KEYS.acmeAuditor))).to.deep.equal([
      'FORBIDDEN',
    ]);
  });

  it('the tenant’s first required policy, published here, is asked at the very next login', async () => {
    // Logins keep whether a tenant has policies at all with its provider; `before` signed bob in
    // while acme had none, so only the rebuild that publishing triggers makes this login ask.
    const config = await api.server.discover('acme', 'web', WEB_SECRET);
    const request = await codeRequest(config, REDIRECT);
    const agent = new UserAgent();
    const page = await completeHostedPages(agent, await agent.navigate(request.url), USERS.bob);
    expect(page.hasForm('/policies'), page.describe()).to.equal(true);
    expect(page.body).to.contain('Terms of service');
  });

  it('refuses bad input with field-level errors', async () => {
    const badKey = await api.gql(PUBLISH, { input: { key: 'Terms!', kind: 'terms' } }, KEYS.acmeAdmin);
    expect(codesOf(badKey)).to.deep.equal(['BAD_USER_INPUT']);
    expect(Object.keys(badKey.errors?.[0]?.extensions?.fields ?? {})).to.deep.equal(['key']);
    const badUrl = await api.gql(
      PUBLISH,
      { input: { key: 'terms', kind: 'terms', url: 'ftp://x' } },
      KEYS.acmeAdmin,
    );
    expect(badUrl.errors?.[0]?.extensions?.fields).to.have.keys('url');
  });

  it('a user grants the current version; a new version makes it pending again; old versions cannot be granted', async () => {
    expect(await myConsents()).to.deep.equal([
      {
        policy: { key: 'terms', version: 1 },
        decision: null,
        decidedVersion: null,
        decidedAt: null,
        pending: true,
      },
    ]);
    const grant = await api.gql<{ grantMyConsent: UserConsent }>(
      'mutation { grantMyConsent(key: "terms") { decision pending policy { version } } }',
      {},
      bobToken,
    );
    expect(grant.data?.grantMyConsent).to.deep.equal({
      decision: 'granted',
      pending: false,
      policy: { version: 1 },
    });
    await api.gql(
      PUBLISH,
      { input: { key: 'terms', kind: 'terms', url: 'https://acme.example/terms/2' } },
      KEYS.acmeAdmin,
    );
    const [state] = await myConsents();
    expect(state).to.include({ decision: 'granted', decidedVersion: 1, pending: true });
    expect(state?.policy).to.deep.equal({ key: 'terms', version: 2 });
    const outdated = await api.gql(
      'mutation { grantMyConsent(key: "terms", version: 1) { pending } }',
      {},
      bobToken,
    );
    expect(codesOf(outdated)).to.deep.equal(['CONFLICT']);
    expect(outdated.errors?.[0]?.extensions?.reason).to.equal('policy_version_outdated');
    await api.gql('mutation { grantMyConsent(key: "terms", version: 2) { pending } }', {}, bobToken);
    const withdrawn = await api.gql<{ withdrawMyConsent: UserConsent }>(
      'mutation { withdrawMyConsent(key: "terms") { decision decidedVersion pending } }',
      {},
      bobToken,
    );
    expect(withdrawn.data?.withdrawMyConsent).to.deep.equal({
      decision: 'withdrawn',
      decidedVersion: 2,
      pending: true,
    });
    const unknown = await api.gql('mutation { withdrawMyConsent(key: "nope") { pending } }', {}, bobToken);
    expect(codesOf(unknown)).to.deep.equal(['NOT_FOUND']);
  });

  it('API keys have no self-service consents; admins read a user’s consents', async () => {
    expect(
      codesOf(await api.gql('mutation { grantMyConsent(key: "terms") { pending } }', {}, KEYS.acmeAdmin)),
    ).to.deep.equal(['FORBIDDEN']);
    const admin = await api.gql<{ user: { consents: UserConsent[] } }>(
      'query($id: ID!) { user(id: $id) { consents { decision pending } } }',
      { id: bobId },
      KEYS.acmeReader,
    );
    expect(admin.data?.user.consents).to.deep.equal([{ decision: 'withdrawn', pending: true }]);
  });

  it('lists receipts newest first with filters and pages, and exports them as JSON Lines', async () => {
    type Page = {
      consentRecords: {
        edges: { cursor: string; node: Record<string, unknown> }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const all = await api.gql<Page>(RECEIPTS, { filter: { userId: bobId } }, KEYS.acmeReader);
    const nodes = all.data?.consentRecords.edges.map((e) => e.node) ?? [];
    expect(nodes.map((n) => [n.decision, n.policyVersion])).to.deep.equal([
      ['withdrawn', 2],
      ['granted', 2],
      ['granted', 1],
    ]);
    expect(nodes[0]).to.include({ source: 'api', userAgent: 'portico-graphql-test/1.0', userId: bobId });
    expect(nodes[0]?.ip).to.match(/127\.0\.0\.1/);
    const granted = await api.gql<Page>(
      RECEIPTS,
      { filter: { decision: 'granted', policyKey: 'terms' } },
      KEYS.acmeReader,
    );
    expect(granted.data?.consentRecords.edges).to.have.length(2);
    const first = await api.gql<Page>(RECEIPTS, { first: 1 }, KEYS.acmeReader);
    expect(first.data?.consentRecords.pageInfo.hasNextPage).to.equal(true);
    const rest = await api.gql<Page>(
      RECEIPTS,
      { first: 10, after: first.data?.consentRecords.pageInfo.endCursor },
      KEYS.acmeReader,
    );
    expect(rest.data?.consentRecords.edges.map((e) => e.node.decision)).to.deep.equal(['granted', 'granted']);
    const exported = await api.gql<{
      exportConsentRecords: { data: string; count: number; hasMore: boolean; contentType: string };
    }>(
      'query($f: ConsentRecordsFilter) { exportConsentRecords(filter: $f) { contentType data count hasMore endCursor } }',
      { f: { userId: bobId } },
      KEYS.acmeReader,
    );
    const lines = exported.data?.exportConsentRecords.data
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(exported.data?.exportConsentRecords).to.include({
      count: 3,
      hasMore: false,
      contentType: 'application/jsonl',
    });
    expect(lines?.map((l) => [l.policyKey, l.policyVersion, l.decision])).to.deep.equal([
      ['terms', 2, 'withdrawn'],
      ['terms', 2, 'granted'],
      ['terms', 1, 'granted'],
    ]);
    const none = await api.gql(
      '{ exportConsentRecords(filter: { policyKey: "nope" }) { count } }',
      {},
      KEYS.acmeReader,
    );
    expect(none.data).to.deep.equal({ exportConsentRecords: null });
  });

  it('manages profile fields with field-level validation errors; values become the profile_fields claim', async () => {
    const create = `mutation($input: CreateProfileFieldInput!) { createProfileField(input: $input) { id key type labels validation requiredAt requiredAfterLogins position } }`;
    const bad = await api.gql(
      create,
      { input: { key: 'age', type: 'number', validation: { min: 10, max: 1 } } },
      KEYS.acmeWriter,
    );
    expect(codesOf(bad)).to.deep.equal(['BAD_USER_INPUT']);
    expect(bad.errors?.[0]?.extensions?.fields).to.have.keys('validation.min');
    expect(
      codesOf(await api.gql(create, { input: { key: 'age', type: 'number' } }, KEYS.acmeReader)),
    ).to.deep.equal(['FORBIDDEN']);
    // Logins keep whether the tenant has profile fields at all with its provider: adding one (and
    // deleting one, below) must rebuild it.
    const { providers } = api.server.portico;
    const built = await providers.get('acme');
    const created = await api.gql<{ createProfileField: { id: string } }>(
      create,
      {
        input: {
          key: 'company',
          type: 'string',
          labels: { en: 'Company' },
          requiredAt: 'after_logins',
          requiredAfterLogins: 3,
        },
      },
      KEYS.acmeWriter,
    );
    expect(created.errors).to.equal(undefined);
    expect(built).to.not.equal(undefined);
    expect(providers.cached('acme'), 'provider rebuilt after createProfileField').to.not.equal(built);
    const id = created.data!.createProfileField.id;
    expect(
      codesOf(await api.gql(create, { input: { key: 'company', type: 'date' } }, KEYS.acmeWriter)),
    ).to.deep.equal(['CONFLICT']);
    const updated = await api.gql<{ updateProfileField: Record<string, unknown> }>(
      'mutation($id: ID!) { updateProfileField(id: $id, input: { requiredAt: null, validation: { maxLength: 40 } }) { requiredAt requiredAfterLogins validation } }',
      { id },
      KEYS.acmeWriter,
    );
    expect(updated.errors, JSON.stringify(updated.errors)).to.equal(undefined);
    expect(updated.data?.updateProfileField).to.deep.equal({
      requiredAt: null,
      requiredAfterLogins: null,
      validation: { maxLength: 40 },
    });
    const listed = await api.gql<{ profileFields: { key: string }[] }>(
      '{ profileFields { key } }',
      {},
      KEYS.acmeReader,
    );
    expect(listed.data?.profileFields).to.deep.equal([{ key: 'company' }]);

    // updateUser holds the tenant's field definitions too; other profile attributes stay free-form.
    const tooLong = await api.gql(
      'mutation($id: ID!) { updateUser(id: $id, input: { profile: { company: "x", nickname: "bobby" } }) { id } }',
      { id: bobId },
      KEYS.acmeWriter,
    );
    expect(tooLong.errors, JSON.stringify(tooLong.errors)).to.equal(undefined);
    const invalid = await api.gql(
      'mutation($id: ID!, $p: JSONObject!) { updateUser(id: $id, input: { profile: $p }) { id } }',
      { id: bobId, p: { company: 'c'.repeat(41) } },
      KEYS.acmeWriter,
    );
    expect(codesOf(invalid)).to.deep.equal(['BAD_USER_INPUT']);
    expect(invalid.errors?.[0]?.extensions?.fields).to.have.keys('profile.company');

    const { portico } = api.server;
    const manager = portico.dataSource.manager;
    const bob = await manager.findOneByOrFail(User, { id: bobId });
    await portico.dataSource.transaction((m) =>
      portico.profileFields.applyValues(m, bob, { company: 'Bob & Co' }),
    );
    const acme = await manager.findOneByOrFail(Tenant, { slug: 'acme' });
    const account = await accountFinder(portico.dataSource, acme.id)({} as never, bobId);
    const claims = await account!.claims('id_token', 'openid profile', {}, []);
    expect(claims.profile_fields).to.deep.equal({ company: 'Bob & Co' });

    const beforeDelete = await providers.get('acme');
    const deleted = await api.gql(
      'mutation($id: ID!) { deleteProfileField(id: $id) }',
      { id },
      KEYS.acmeWriter,
    );
    expect(deleted.data).to.deep.equal({ deleteProfileField: id });
    expect(providers.cached('acme'), 'provider rebuilt after deleteProfileField').to.not.equal(beforeDelete);
  });

  it('deleting a user keeps their receipts, without ip and user agent', async () => {
    const deleted = await api.gql(
      'mutation($id: ID!) { deleteUser(id: $id) }',
      { id: bobId },
      KEYS.acmeAdmin,
    );
    expect(deleted.errors).to.equal(undefined);
    const receipts = await api.server.portico.dataSource.manager.findBy(ConsentRecord, { userId: bobId });
    expect(receipts).to.have.length(3);
    expect(receipts.every((r) => r.ip === null && r.userAgent === null)).to.equal(true);
  });
});
