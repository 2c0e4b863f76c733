import type { ClientMetadata } from 'oidc-provider';
import type { Application } from '../applications/application.entity.js';

const GRANT_TYPE_URNS: Record<string, string> = {
  authorization_code: 'authorization_code',
  refresh_token: 'refresh_token',
  client_credentials: 'client_credentials',
  device_code: 'urn:ietf:params:oauth:grant-type:device_code',
};

/**
 * An OIDC application as oidc-provider client metadata. Public clients (no secret) authenticate with
 * `none` and must use PKCE (oidc-provider's default policy); `firstParty` and `corsOrigins` travel as
 * extra metadata for the consent and CORS policies.
 */
export function clientMetadataOf(application: Application, clientSecret: string | undefined): ClientMetadata {
  const config = application.config;
  const grantTypes = (config.grantTypes ?? ['authorization_code', 'refresh_token']).map(
    (g) => GRANT_TYPE_URNS[g] ?? g,
  );
  const metadata: ClientMetadata = {
    client_id: application.clientId ?? '',
    client_name: application.name,
    grant_types: grantTypes,
    response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
    redirect_uris: config.redirectUris ?? [],
    post_logout_redirect_uris: config.postLogoutRedirectUris ?? [],
    firstParty: application.firstParty,
    corsOrigins: config.corsOrigins ?? [],
  };
  if (config.tokenEndpointAuthMethod === 'private_key_jwt') {
    // Confidential without a secret: the client signs an assertion with a key it registered.
    metadata.token_endpoint_auth_method = 'private_key_jwt';
    if (config.jwks) metadata.jwks = config.jwks as ClientMetadata['jwks'];
  } else if (clientSecret === undefined) {
    metadata.token_endpoint_auth_method = 'none';
  } else {
    metadata.client_secret = clientSecret;
    metadata.token_endpoint_auth_method = stringOr(
      config.tokenEndpointAuthMethod,
      'client_secret_basic',
    ) as ClientMetadata['token_endpoint_auth_method'];
  }
  if (typeof config.jwksUri === 'string') metadata.jwks_uri = config.jwksUri;
  if (typeof config.backchannelLogoutUri === 'string') {
    metadata.backchannel_logout_uri = config.backchannelLogoutUri;
    metadata.backchannel_logout_session_required = true;
  }
  if (config.dpopBoundAccessTokens === true) metadata.dpop_bound_access_tokens = true;
  return metadata;
}

const stringOr = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

/** The built-in first-party client of the account pages (`/t/T/account`), one per tenant. */
export const ACCOUNT_CLIENT_ID = 'portico-account';

export const accountRedirectUri = (issuer: string): string => `${issuer}/account/callback`;

/**
 * The account pages sign in through the tenant's own OIDC like any app: a public client (PKCE S256,
 * no secret), first party (no consent screen), code flow only. It lives here, not in `applications`,
 * so it never appears in application lists and a tenant cannot change or delete it.
 */
export function accountClientMetadata(issuer: string): ClientMetadata {
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: 'Account',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [accountRedirectUri(issuer)],
    token_endpoint_auth_method: 'none',
    firstParty: true,
    corsOrigins: [],
  };
}
