// What the benchmark servers hold: one tenant per password hash, each with a confidential client
// (code + PKCE, refresh, client credentials) and a user; and the bare oidc-provider's client.
export const BENCH_TENANTS = { argon2id: 'bench', bcrypt: 'bench-bcrypt' };
export const BENCH_CLIENT = {
  id: 'bench',
  secret: 'bench-secret-bench-secret-bench',
  redirectUri: 'http://127.0.0.1:9/cb',
};
export const BENCH_USER = { email: 'bench@example.com', password: 'correct horse battery staple' };
export const REFERENCE_CLIENT = { id: 'bench', secret: 'bench-secret-bench-secret-bench' };
export const REFERENCE_RESOURCE = 'https://api.bench.example';
/** The bare oidc-provider's code-flow clients, one per password hash its login page verifies. */
export const REFERENCE_LOGIN_CLIENTS = {
  argon2id: { ...BENCH_CLIENT, id: 'bench-login-argon2id' },
  bcrypt: { ...BENCH_CLIENT, id: 'bench-login-bcrypt' },
};

export function kickstartYaml() {
  const tenant = (slug, hash) => `  - slug: ${slug}
    name: Bench ${hash}
    settings:
      passwords: { hash: ${hash} }
    applications:
      - name: Bench
        type: oidc
        clientId: ${BENCH_CLIENT.id}
        clientSecret: "${BENCH_CLIENT.secret}"
        redirectUris: ["${BENCH_CLIENT.redirectUri}"]
        grantTypes: [authorization_code, refresh_token, client_credentials]
        firstParty: true
    users:
      - email: ${BENCH_USER.email}
        password: "${BENCH_USER.password}"
        emailVerified: true
        profile: { givenName: Bench, familyName: User }
`;
  return `tenants:\n${Object.entries(BENCH_TENANTS)
    .map(([hash, slug]) => tenant(slug, hash))
    .join('')}`;
}

export const basicAuth = (id, secret) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
