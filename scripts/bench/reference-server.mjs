#!/usr/bin/env node
// The reference of the token benchmarks: a bare oidc-provider (the library Portico builds on) with its
// in-memory adapter, one confidential client, and the same token formats Portico issues — opaque
// access tokens, or an ES256 JWT when `resource` names the API. No Portico code.
//   node scripts/bench/reference-server.mjs <port>
// Prints {"port":…} once it listens.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';
import { REFERENCE_CLIENT, REFERENCE_RESOURCE } from './lib/fixtures.mjs';

const port = Number(process.argv[2] ?? 0);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'bench' };

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
  ],
  jwks: { keys: [jwk] },
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
const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
