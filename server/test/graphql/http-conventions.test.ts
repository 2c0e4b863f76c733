import { expect } from 'chai';
import { freePort } from '../../../test/support/processes.js';
import { graphqlRoutes } from '../../src/graphql/graphql.routes.js';
import { createPublicApp } from '../../src/http/app.js';
import { HttpServer } from '../../src/http/http-server.js';
import { User } from '../../src/users/user.entity.js';
import type { UserSessionsService } from '../../src/users/user-sessions.service.js';
import { needsPostgres } from '../support/services.js';
import { codesOf, type GraphqlServer, KEYS, startGraphqlServer, USERS } from './harness.js';

/**
 * SECURITY.md 34 and 38 over HTTP: batched requests off, CSRF prevention on, introspection and schema
 * hints off in production, every error with a stable code and the request id, never a stack or an
 * internal message.
 */
describe('GraphQL over HTTP: batching, CSRF, introspection, errors', function () {
  this.timeout(60_000);
  let api: GraphqlServer;
  let production: { url: string; close: () => Promise<void> };

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    production = await startProductionLikeApi(api);
  });
  after(async () => {
    await production?.close();
    await api?.close();
  });

  const post = (url: string, body: string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { authorization: `Bearer ${KEYS.acmeAdmin}`, ...headers }, body });

  it('refuses batched requests (an array of operations)', async () => {
    const response = await post(
      api.endpoint,
      JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
      {
        'content-type': 'application/json',
      },
    );
    expect(response.status).to.equal(400);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).to.equal('BAD_REQUEST');
  });

  it('blocks requests a browser could send cross-site without a preflight (CSRF prevention)', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const body =
        contentType === 'text/plain' ? JSON.stringify({ query: '{ __typename }' }) : 'query=%7B__typename%7D';
      const response = await post(api.endpoint, body, { 'content-type': contentType });
      expect(response.status, contentType).to.equal(400);
      expect(await response.text(), contentType).to.contain('Cross-Site Request Forgery');
    }
    const simpleGet = await fetch(`${api.endpoint}?query=${encodeURIComponent('{ __typename }')}`);
    expect(simpleGet.status).to.equal(400);
    const preflighted = await fetch(`${api.endpoint}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).to.equal(200);
    const mutationByGet = await fetch(
      `${api.endpoint}?query=${encodeURIComponent('mutation { __typename }')}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(mutationByGet.status).to.equal(405);
  });

  it('answers parse and validation errors with their codes, and names invalid input fields', async () => {
    expect(codesOf(await api.gql('{ users(', {}, KEYS.acmeAdmin))).to.deep.equal(['GRAPHQL_PARSE_FAILED']);
    expect(codesOf(await api.gql('{ nope }', {}, KEYS.acmeAdmin))).to.deep.equal([
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    const password = await api.gql(
      'mutation { createUser(input: { email: "p@example.com", password: "chosen by an admin" }) { id } }',
      {},
      KEYS.acmeAdmin,
    );
    expect(codesOf(password), 'admins never choose passwords').to.deep.equal(['GRAPHQL_VALIDATION_FAILED']);
    const invalid = await api.gql(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
      { input: { email: 'not an email', phone: '0170 123', username: 'has space' } },
      KEYS.acmeAdmin,
    );
    expect(codesOf(invalid)).to.deep.equal(['BAD_USER_INPUT']);
    expect(invalid.errors![0]!.extensions!.fields).to.have.keys('email', 'phone', 'username');
    const wrongType = await api.gql(
      'query($n: Int) { users(first: $n) { edges { cursor } } }',
      { n: 'ten' },
      KEYS.acmeAdmin,
    );
    expect(codesOf(wrongType)).to.deep.equal(['BAD_USER_INPUT']);
  });

  it('gives introspection in development, refuses it in production and hides schema hints there', async () => {
    const introspection = '{ __schema { queryType { name } } }';
    expect((await api.gql(introspection, {}, KEYS.acmeAdmin)).errors).to.equal(undefined);
    const refused = await gqlAt(production.url, introspection);
    expect(refused.status).to.equal(400);
    expect(refused.body.errors.map((e) => e.extensions.code)).to.deep.equal(['GRAPHQL_VALIDATION_FAILED']);
    const typo = await gqlAt(production.url, '{ usrs { edges { cursor } } }');
    expect(JSON.stringify(typo.body)).to.not.contain('Did you mean');
  });

  it('shows an unexpected failure as INTERNAL_SERVER_ERROR: no stack, no internal message, the request id', async () => {
    const bob = await api.server.portico.dataSource.manager.findOneByOrFail(User, { email: USERS.bob.email });
    const response = await gqlAt(production.url, 'mutation($id: ID!) { blockUser(id: $id) { id } }', {
      id: bob.id,
    });
    const text = JSON.stringify(response.body);
    expect(response.body.errors.map((e) => e.extensions.code)).to.deep.equal(['INTERNAL_SERVER_ERROR']);
    expect(response.body.errors[0]!.message).to.equal('Something went wrong on our side.');
    expect(text).to.not.contain('10.0.0.7');
    expect(text).to.not.contain('stacktrace');
    expect(text).to.not.match(/\.js:\d+/);
    expect(response.body.errors[0]!.extensions.requestId).to.equal(response.requestId);
  });

  it('gives every error the request id, and a missing user is NOT_FOUND or null', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const response = await api.gql(
      'mutation($id: ID!) { updateUser(id: $id, input: {}) { id } }',
      { id: missing },
      KEYS.acmeAdmin,
      { 'x-request-id': 'graphql-test-request-1' },
    );
    expect(codesOf(response)).to.deep.equal(['NOT_FOUND']);
    expect(response.errors![0]!.extensions!.requestId).to.equal('graphql-test-request-1');
    const lookups = await api.gql(
      'query($a: ID!, $b: ID!) { user(id: $a) { id } node(id: $b) { id } }',
      { a: missing, b: 'not-a-uuid' },
      KEYS.acmeAdmin,
    );
    expect(lookups.errors).to.equal(undefined);
    expect(lookups.data).to.deep.equal({ user: null, node: null });
  });
});

interface RawResponse {
  status: number;
  requestId: string | null;
  body: { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };
}

async function gqlAt(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<RawResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.acmeAdmin}` },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    requestId: response.headers.get('x-request-id'),
    body: (await response.json()) as RawResponse['body'],
  };
}

/**
 * The same services behind a GraphQL router built as NODE_ENV=production builds it, whose session
 * revocation fails with an internal message (what an outage of a dependency looks like).
 */
async function startProductionLikeApi(api: GraphqlServer) {
  const p = api.server.portico;
  const failingSessions = {
    revokeAll: async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432 (internal detail)');
    },
    block: async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432 (internal detail)');
    },
  } as unknown as UserSessionsService;
  const router = graphqlRoutes({
    publicUrl: p.config.publicUrl,
    production: true,
    dataSource: p.dataSource,
    tenants: p.tenants,
    users: p.users,
    apiKeys: p.apiKeys,
    audit: p.audit,
    userSessions: failingSessions,
    signingKeys: p.signingKeys,
    logger: p.logger,
    applications: p.applications,
    passwordReset: p.passwordReset,
    consent: p.consent,
    profileFields: p.profileFields,
    account: p.account,
    factors: p.mfa.factors,
    messageTemplates: p.messageTemplates,
    smsProviders: p.smsProviders,
    tenantsChanged: (slugs) => p.tenantsChanged(slugs),
  });
  const app = createPublicApp({
    config: p.config,
    logger: p.logger,
    metrics: p.metrics,
    checkReadiness: async () => ({ ready: true }) as never,
    routers: [router],
  });
  const server = new HttpServer(app);
  const port = await freePort();
  await server.listen(port, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}/graphql`, close: () => server.close(100) };
}
