import { expect } from 'chai';
import { getIntrospectionQuery, type OperationDefinitionNode, parse } from 'graphql';
import { checkQueryLimits, QUERY_LIMITS } from '../../src/graphql/query-limits.js';
import { buildGraphqlSchema } from '../../src/graphql/schema.js';
import { isAppError } from '../../src/shared/errors.js';
import { User } from '../../src/users/user.entity.js';
import { needsPostgres } from '../support/services.js';
import { codesOf, type GraphqlServer, KEYS, startGraphqlServer } from './harness.js';

/** SECURITY.md ★33: depth, cost, alias-count and page-size limits, enforced before execution. */

const schema = buildGraphqlSchema();

function limitCode(query: string, variables: Record<string, unknown> = {}): string | number {
  const document = parse(query);
  const operation = document.definitions.find(
    (d) => d.kind === 'OperationDefinition',
  ) as OperationDefinitionNode;
  try {
    return checkQueryLimits(schema, document, operation, variables);
  } catch (error) {
    const original = (error as { originalError?: unknown }).originalError;
    if (isAppError(original)) return original.code.toUpperCase();
    throw error;
  }
}

/** users → organizations → members → organizations → …: `levels` round trips deep. */
function nested(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i += 1)
    inner = `organizations { members(first: 2) { edges { node { ${inner} } } } }`;
  return `{ users(first: 2) { edges { node { ${inner} } } } }`;
}

describe('GraphQL query limits (analysis)', () => {
  it('limits: depth 10, 15 aliases, cost 10000, pages of 100', () => {
    expect(QUERY_LIMITS).to.include({ maxDepth: 10, maxAliases: 15, maxCost: 10_000, maxPageSize: 100 });
  });

  it('accepts an ordinary admin page: users with roles and organizations', () => {
    const cost = limitCode(
      '{ users(first: 100) { edges { cursor node { id email emailVerified phone status profile createdAt roles organizations { id slug name } } } pageInfo { hasNextPage endCursor } } }',
    );
    expect(cost).to.be.a('number').within(1, QUERY_LIMITS.maxCost);
  });

  it('rejects a query nested deeper than 10 levels', () => {
    expect(limitCode(nested(1))).to.be.a('number');
    expect(limitCode(nested(2))).to.equal('QUERY_TOO_DEEP');
  });

  it('counts depth through fragments and inline fragments', () => {
    const query = `query { node(id: "x") { ...U } }
      fragment U on User { organizations { members { edges { node { ... on User { organizations {
        members { edges { node { organizations { id } } } } } } } } } } }`;
    expect(limitCode(query)).to.equal('QUERY_TOO_DEEP');
  });

  it('rejects more than 15 aliases, also when a fragment repeats them', () => {
    const aliased = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => `${prefix}${i}: me { id }`).join(' ');
    expect(limitCode(`{ ${aliased('a', 15)} }`)).to.be.a('number');
    expect(limitCode(`{ ${aliased('a', 16)} }`)).to.equal('TOO_MANY_ALIASES');
    const viaFragment = `{ ...F ...G } fragment F on Query { ${aliased('f', 8)} } fragment G on Query { ${aliased('g', 8)} }`;
    expect(limitCode(viaFragment)).to.equal('TOO_MANY_ALIASES');
  });

  it('rejects a query whose pages multiply past the cost limit', () => {
    const wide = `users(first: 100) { edges { node { id organizations { members(first: 100) { edges { node { id } } } } } } }`;
    expect(limitCode(`{ ${wide} }`)).to.equal('QUERY_TOO_COSTLY');
  });

  it('rejects first above 100, given literally or as a variable, wherever it appears', () => {
    expect(limitCode('{ users(first: 100) { edges { cursor } } }')).to.be.a('number');
    expect(limitCode('{ users(first: 101) { edges { cursor } } }')).to.equal('PAGE_SIZE_EXCEEDED');
    expect(limitCode('query($n: Int) { auditEvents(first: $n) { edges { cursor } } }', { n: 1000 })).to.equal(
      'PAGE_SIZE_EXCEEDED',
    );
    expect(
      limitCode('query($n: Int) { me { organizations { members(first: $n) { edges { cursor } } } } }', {
        n: 500,
      }),
    ).to.equal('PAGE_SIZE_EXCEEDED');
  });

  it('lets introspection through (it is off in production) and bounds fragment fan-out', () => {
    expect(limitCode(getIntrospectionQuery())).to.be.a('number');
    // Each fragment spreads the next twice: 2^20 fields if walked naively.
    const levels = 20;
    const fragments = Array.from(
      { length: levels },
      (_, i) =>
        `fragment F${i} on User { ${i === levels - 1 ? 'id' : `...F${i + 1} ... on User { ...F${i + 1} }`} }`,
    ).join('\n');
    expect(limitCode(`{ me { ...F0 } } ${fragments}`)).to.equal('QUERY_TOO_COSTLY');
  });
});

describe('GraphQL query limits (over HTTP, before execution)', function () {
  this.timeout(60_000);
  let api: GraphqlServer;

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
  });
  after(async () => api?.close());

  const userCount = () => api.server.portico.dataSource.manager.count(User);

  async function expectRejected(query: string, code: string, variables: Record<string, unknown> = {}) {
    const before = await userCount();
    const response = await api.gql(query, variables, KEYS.acmeAdmin);
    expect(response.status, JSON.stringify(response.errors)).to.equal(400);
    expect(codesOf(response)).to.deep.equal([code]);
    expect(response.data, 'nothing executed').to.equal(undefined);
    expect(response.errors![0]!.extensions).to.not.have.property('stacktrace');
    expect(await userCount(), 'no mutation ran').to.equal(before);
  }

  const createUser = (alias: string, i: number) =>
    `${alias}: createUser(input: { email: "limit-${i}-${Date.now()}@example.com" }) { id }`;

  it('too many aliases: 16 createUser mutations are refused, none runs', async () => {
    const mutations = Array.from({ length: 16 }, (_, i) => createUser(`u${i}`, i)).join(' ');
    await expectRejected(`mutation { ${mutations} }`, 'TOO_MANY_ALIASES');
  });

  it('too deep: a mutation whose selection nests too deeply does not run', async () => {
    let inner = 'id';
    for (let i = 0; i < 3; i += 1) inner = `organizations { members { edges { node { ${inner} } } } }`;
    await expectRejected(
      `mutation { createUser(input: { email: "deep-${Date.now()}@example.com" }) { ${inner} } }`,
      'QUERY_TOO_DEEP',
    );
  });

  it('too costly, and page too large (as a variable)', async () => {
    await expectRejected(
      '{ users(first: 100) { edges { node { organizations { members(first: 100) { edges { node { id } } } } } } } }',
      'QUERY_TOO_COSTLY',
    );
    await expectRejected(
      'query($first: Int) { users(first: $first) { edges { cursor } } }',
      'PAGE_SIZE_EXCEEDED',
      {
        first: 101,
      },
    );
  });

  it('a negative page size is invalid input, with the field named', async () => {
    const response = await api.gql('{ users(first: -1) { edges { cursor } } }', {}, KEYS.acmeAdmin);
    expect(codesOf(response)).to.deep.equal(['BAD_USER_INPUT']);
    expect(response.errors![0]!.extensions!.fields).to.have.property('first');
  });
});
