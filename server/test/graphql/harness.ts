import { importJWK, type JWTPayload, SignJWT } from 'jose';
import * as client from 'openid-client';
import { type InProcessServer, startInProcessServer } from '../../../test/support/in-process-server.js';
import { codeRequest, completeHostedPages, type User } from '../../../test/support/oidc-flows.js';
import { UserAgent } from '../../../test/support/user-agent.js';
import type { DatabaseKind } from '../support/portico.js';

/**
 * The GraphQL API over HTTP, against the real public app in this process (test/support/in-process-
 * server.ts): two tenants, `acme` (A) and `umbrella` (B), with API keys of several scopes, users of
 * each tenant role, and a confidential first-party client to get user access tokens through the OIDC
 * code flow with `resource=PUBLIC_URL/graphql`.
 */

export const REDIRECT = 'http://127.0.0.1:5555/cb';
export const WEB_SECRET = 's3cret-s3cret-s3cret-s3cret';

export const KEYS = {
  acmeAdmin: 'pk_acme_0123456789abcdef0123456789abcdef',
  acmeReader: 'pk_acme_reader_0123456789abcdef01234567',
  acmeWriter: 'pk_acme_writer_0123456789abcdef01234567',
  acmeAuditor: 'pk_acme_auditor_0123456789abcdef0123456',
  umbrellaAdmin: 'pk_umbrella_0123456789abcdef0123456789abcdef',
};

export const USERS = {
  alice: { email: 'alice@example.com', password: 'correct horse battery staple' },
  victor: { email: 'victor@example.com', password: "victor's long viewer passphrase" },
  bob: { email: 'bob@example.com', password: "bob's long and secret passphrase" },
  carol: { email: 'carol@umbrella.example', password: "carol's long and secret passphrase" },
  root: { email: 'root@example.com', password: 'a long admin passphrase' },
};

const webApp = `{ name: Web, type: oidc, clientId: web, clientSecret: "${WEB_SECRET}",
          redirectUris: ["${REDIRECT}"], grantTypes: [authorization_code, refresh_token], firstParty: true }`;

export const GRAPHQL_KICKSTART = `admins:
  - { email: ${USERS.root.email}, password: "${USERS.root.password}" }
tenants:
  - slug: acme
    name: Acme Inc
    apiKeys:
      - { name: ci, key: "${KEYS.acmeAdmin}", scopes: [admin] }
      - { name: reader, key: "${KEYS.acmeReader}", scopes: ["users:read"] }
      - { name: writer, key: "${KEYS.acmeWriter}", scopes: ["users:write"] }
      - { name: auditor, key: "${KEYS.acmeAuditor}", scopes: ["audit:read"] }
    applications:
      - ${webApp}
    users:
      - { email: ${USERS.alice.email}, password: "${USERS.alice.password}", emailVerified: true, roles: [admin],
          profile: { givenName: Alice, familyName: Example } }
      - { email: ${USERS.victor.email}, password: "${USERS.victor.password}", roles: [viewer] }
      - { email: ${USERS.bob.email}, password: "${USERS.bob.password}" }
    organizations:
      - { slug: globex, name: Globex, members: [{ email: ${USERS.alice.email}, roles: [admin] }] }
  - slug: umbrella
    name: Umbrella Corp
    apiKeys:
      - { name: ci, key: "${KEYS.umbrellaAdmin}", scopes: [admin] }
    applications:
      - ${webApp}
    users:
      - { email: ${USERS.carol.email}, password: "${USERS.carol.password}", roles: [admin] }
    organizations:
      - { slug: hive, name: Hive, members: [{ email: ${USERS.carol.email} }] }
`;

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; fields?: Record<string, string>; [key: string]: unknown };
}

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data: T | null | undefined;
  errors: GraphqlError[] | undefined;
}

export interface GraphqlServer {
  server: InProcessServer;
  endpoint: string;
  /** POSTs one operation as JSON; `auth` is an API key or an access token. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    auth?: string,
    headers?: Record<string, string>,
  ): Promise<GraphqlResponse<T>>;
  /**
   * A user's JWT access token for this API, from the tenant's OIDC code flow; `secondFactor` answers the
   * second-factor page of a user who enrolled one (`method`: totp or recovery_code).
   */
  userToken(
    tenant: string,
    user: User,
    secondFactor?: { method: 'totp' | 'recovery_code'; code: () => string },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startGraphqlServer(
  kind: DatabaseKind,
  kickstart = GRAPHQL_KICKSTART,
  env: Record<string, string> = {},
): Promise<GraphqlServer> {
  const server = await startInProcessServer(kind, kickstart, env);
  const endpoint = `${server.publicUrl}/graphql`;
  return {
    server,
    endpoint,
    async gql(query, variables, auth, headers = {}) {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'portico-graphql-test/1.0',
          ...(auth ? { authorization: `Bearer ${auth}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      const body = JSON.parse(text) as { data?: unknown; errors?: GraphqlError[] };
      return {
        status: response.status,
        headers: response.headers,
        data: body.data as never,
        errors: body.errors,
      };
    },
    async userToken(tenant, user, secondFactor) {
      const config = await server.discover(tenant, 'web', WEB_SECRET);
      const resource = endpoint;
      const request = await codeRequest(config, REDIRECT, { resource });
      const agent = new UserAgent();
      let page = await completeHostedPages(agent, await agent.navigate(request.url), user);
      if (secondFactor && !page.hasForm('/mfa') && page.hasForm('/mfa/method')) {
        page = await agent.submit(page.form('/mfa/method'), {
          button: { name: 'method', value: secondFactor.method },
        });
      }
      if (secondFactor && page.hasForm('/mfa')) {
        page = await agent.submit(page.form('/mfa'), { values: { code: secondFactor.code() } });
      }
      if (!page.isRedirect) throw new Error(`expected a redirect back to the client:\n${page.describe()}`);
      const callback = page.location!;
      const tokens = await client.authorizationCodeGrant(
        config,
        callback,
        { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
        { resource },
      );
      return tokens.access_token;
    },
    close: () => server.close(),
  };
}

/**
 * A JWT signed with the tenant's active ES256 key, shaped like the access tokens its provider issues
 * for this API; `claims` and `header` override or add to them (expired, other audience, …).
 */
export async function signedAccessToken(
  api: GraphqlServer,
  tenantSlug: string,
  claims: JWTPayload,
  header: Record<string, unknown> = {},
): Promise<string> {
  const { portico, publicUrl } = api.server;
  const manager = portico.dataSource.manager;
  const tenant = await portico.tenants.getBySlug(manager, tenantSlug);
  await portico.signingKeys.ensureKeys(manager, tenant.id);
  const { keys } = await portico.signingKeys.jwksForProvider(manager, tenant.id);
  const jwk = keys.find((k) => k.alg === 'ES256' && k.key_ops === undefined)!;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: `${publicUrl}/t/${tenantSlug}`,
    aud: api.endpoint,
    iat: now,
    exp: now + 300,
    client_id: 'web',
    scope: 'openid',
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'at+jwt', ...header })
    .sign(await importJWK(jwk, 'ES256'));
}

/** The `extensions.code` of every error, in order. */
export const codesOf = (response: GraphqlResponse<unknown>): (string | undefined)[] =>
  (response.errors ?? []).map((e) => e.extensions?.code);
