#!/usr/bin/env node
// The reference of the benchmarks: a bare oidc-provider (the library Portico builds on) with its
// in-memory adapter, the same token formats Portico issues (opaque access tokens, or an ES256 JWT when
// `resource` names the API), refresh tokens rotated on every use, and for the password login the least
// a login page can be: an identifier form, a password form whose password is verified with Portico's
// hasher and default policy against a hash held in memory, then `interactionResult` with a grant. No
// database, no other Portico code.
//   node scripts/bench/reference-server.mjs <port>
// Prints {"port":…} once it listens.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';
import {
  DEFAULT_PASSWORD_HASH_POLICY,
  PasswordHasher,
} from '../../dist/server/src/credentials/password-hasher.js';
import {
  BENCH_USER,
  REFERENCE_CLIENT,
  REFERENCE_LOGIN_CLIENTS,
  REFERENCE_RESOURCE,
} from './lib/fixtures.mjs';

const port = Number(process.argv[2] ?? 0);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'bench' };

const hasher = new PasswordHasher();
/** Per login client: the policy of its hash and the bench user's stored hash under it. */
const logins = new Map();
for (const [algorithm, client] of Object.entries(REFERENCE_LOGIN_CLIENTS)) {
  const policy = { ...DEFAULT_PASSWORD_HASH_POLICY, algorithm };
  logins.set(client.id, { policy, stored: await hasher.hash(BENCH_USER.password, policy) });
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: REFERENCE_CLIENT.id,
      client_secret: REFERENCE_CLIENT.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      id_token_signed_response_alg: 'ES256',
    },
    ...Object.values(REFERENCE_LOGIN_CLIENTS).map((client) => ({
      client_id: client.id,
      client_secret: client.secret,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [client.redirectUri],
      id_token_signed_response_alg: 'ES256',
    })),
  ],
  jwks: { keys: [jwk] },
  pkce: { required: () => true },
  // As Portico: every refresh grant rotates the refresh token.
  rotateRefreshToken: true,
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: REFERENCE_RESOURCE,
        accessTokenTTL: 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});

const INTERACTION = /^\/interaction\/([\w-]+)(?:\/(identifier|password))?$/;
provider.use(async (ctx, next) => {
  const route = INTERACTION.exec(ctx.path);
  if (!route) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const step = route[2];
  if (ctx.method === 'GET' && !step) return page(ctx, details.uid, 'identifier', 'username', 'text');
  if (ctx.method !== 'POST' || !step) return next();
  const form = new URLSearchParams(await bodyOf(ctx.req));
  if (step === 'identifier') {
    details.result = { identifier: form.get('identifier') };
    await details.save(details.exp - Math.floor(Date.now() / 1000));
    return page(ctx, details.uid, 'password', 'current-password', 'password');
  }
  const login = logins.get(details.params.client_id);
  const { valid } = await hasher.verify(form.get('password') ?? '', login.stored, login.policy);
  if (!valid || details.result?.identifier !== BENCH_USER.email) {
    return page(ctx, details.uid, 'password', 'current-password', 'password');
  }
  const grant = new provider.Grant({ accountId: BENCH_USER.email, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const result = { login: { accountId: BENCH_USER.email }, consent: { grantId: await grant.save() } };
  ctx.status = 303;
  ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result));
});

function page(ctx, uid, name, autocomplete, type) {
  ctx.type = 'html';
  ctx.body = `<!doctype html><html lang="en"><title>Sign in</title>
<form method="post" action="/interaction/${uid}/${name}"><label for="f">${name}</label>
<input id="f" name="${name}" type="${type}" autocomplete="${autocomplete}" required>
<button type="submit">Continue</button></form></html>`;
}

async function bodyOf(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
