// The scenarios of `npm run bench`: what runs against Portico, what against its reference, and the
// targets of issue 8 (per CPU-second of the server processes).
import {
  BENCH_CLIENT,
  BENCH_TENANTS,
  REFERENCE_CLIENT,
  REFERENCE_LOGIN_CLIENTS,
  REFERENCE_RESOURCE,
} from './fixtures.mjs';
import {
  clientCredentials,
  codeLogin,
  introspection,
  jwks,
  passwordLogin,
  refreshGrant,
  refreshTokenFor,
  userinfo,
} from './flows.mjs';

/**
 * `ctx`: { origin, referenceOrigin, portico (HttpClient), reference (HttpClient), loginConnections }.
 * A scenario's `reference` is an HTTP operation on the bare oidc-provider, or a raw hash verify (the
 * target's reference); `bare`, when set, is the same flow on the bare oidc-provider, shown beside it.
 */
export async function buildScenarios(ctx) {
  const { origin, portico, reference } = ctx;
  const tenant = BENCH_TENANTS.argon2id;
  const base = `/t/${tenant}`;
  const graphql = `${origin}/graphql`;
  const opaque = (await clientCredentials(portico, base, BENCH_CLIENT)()).access_token;
  const signedIn = await passwordLogin(origin, portico, tenant, { scope: 'openid email profile' });
  // The bare provider's flows sign in through its one-form pages, with the same hash as Portico's tenant.
  const bareClient = REFERENCE_LOGIN_CLIENTS.argon2id;

  return [
    {
      name: 'client credentials, opaque (PostgreSQL)',
      key: 'cc-opaque',
      portico: { operation: clientCredentials(portico, base, BENCH_CLIENT) },
      reference: { operation: clientCredentials(reference, '', REFERENCE_CLIENT) },
      targets: { perCpuSecond: 3000, ratio: 0.35 },
    },
    {
      name: 'client credentials, JWT (resource)',
      key: 'cc-jwt',
      portico: { operation: clientCredentials(portico, base, BENCH_CLIENT, graphql) },
      reference: { operation: clientCredentials(reference, '', REFERENCE_CLIENT, REFERENCE_RESOURCE) },
      targets: { ratio: 0.7 },
    },
    {
      name: 'refresh grant, rotation (PostgreSQL)',
      key: 'refresh',
      portico: {
        setup: async () => ({ refreshToken: await refreshTokenFor(origin, portico, base, BENCH_CLIENT) }),
        operation: refreshGrant(portico, base, BENCH_CLIENT),
      },
      // The same grant, rotating too, on the bare provider's in-memory store.
      reference: {
        setup: async () => ({
          refreshToken: await refreshTokenFor(ctx.referenceOrigin, reference, '', bareClient),
        }),
        operation: refreshGrant(reference, '', bareClient),
      },
      targets: { perCpuSecond: 1000 },
    },
    ...['argon2id', 'bcrypt'].map((algorithm) => ({
      name: `password login, code + PKCE (${algorithm})`,
      key: `login-${algorithm}`,
      connections: ctx.loginConnections,
      portico: { operation: () => passwordLogin(origin, portico, BENCH_TENANTS[algorithm]) },
      reference: { hash: algorithm },
      bare: {
        operation: () => codeLogin(ctx.referenceOrigin, reference, '', REFERENCE_LOGIN_CLIENTS[algorithm]),
      },
      // A bcrypt login takes about a third of a second of CPU: measure long enough to count dozens.
      minDurationMs: algorithm === 'bcrypt' ? 10_000 : undefined,
      targets: { ratio: 0.8, ...(algorithm === 'argon2id' ? { perCpuSecond: 45 } : {}) },
    })),
    {
      name: 'introspection (opaque token)',
      key: 'introspection',
      portico: { operation: introspection(portico, base, BENCH_CLIENT, opaque) },
      // Taken just before the run: the bare provider's in-memory store keeps only its latest 1,000 models.
      reference: {
        prepare: async () => {
          const { access_token } = await clientCredentials(reference, '', REFERENCE_CLIENT)();
          return { operation: introspection(reference, '', REFERENCE_CLIENT, access_token) };
        },
      },
      targets: { perCpuSecond: 4000 },
    },
    {
      name: 'userinfo',
      key: 'userinfo',
      portico: { operation: userinfo(portico, base, signedIn.access_token) },
      reference: {
        prepare: async () => {
          const { access_token } = await codeLogin(ctx.referenceOrigin, reference, '', bareClient, {
            scope: 'openid email profile',
          });
          return { operation: userinfo(reference, '', access_token) };
        },
      },
      targets: { perCpuSecond: 4000 },
    },
    {
      name: 'JWKS',
      key: 'jwks',
      portico: { operation: jwks(portico, base) },
      reference: { operation: jwks(reference, '') },
      targets: {},
    },
  ];
}
