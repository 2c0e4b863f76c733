import type * as OidcProvider from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { Application } from '../applications/application.entity.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import { ACR_MFA, ACR_PHR as ACR_PHISHING_RESISTANT, acrSatisfies, knownAcrValues } from '../mfa/factors.js';
import type { KeyRing } from '../secrets/key-ring.js';
import type { Logger } from '../shared/logger.js';
import { guardedFetch } from '../shared/outbound-http.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings, type TenantSettings } from '../tenants/tenant-settings.js';
import { accountFinder, CLAIMS_BY_SCOPE } from './oidc-accounts.js';
import type { OidcModelStore } from './oidc-adapter.js';
import { ACCOUNT_CLIENT_ID, accountClientMetadata, clientMetadataOf } from './oidc-clients.js';
import { deferProtocolWrites } from './oidc-deferred-writes.js';
import { loadOidcProvider } from './oidc-provider-module.js';
import type { SigningKeysService } from './signing-keys.service.js';

/** Everything a tenant's Provider is built from; the hosted pages plug in through `pages`. */
export interface ProviderFactoryDeps {
  publicUrl: string;
  /** Hosts outbound calls may reach on private addresses (PORTICO_OUTBOUND_ALLOWED_HOSTS). */
  outboundAllowedHosts: readonly string[];
  dataSource: DataSource;
  keyRing: KeyRing;
  applications: ApplicationsService;
  signingKeys: SigningKeysService;
  models: OidcModelStore;
  logger: Logger;
  /** The hosted pages oidc-provider renders itself, in the tenant's look. */
  pages: (tenant: Tenant) => ProviderPages;
}

/** The hosted pages oidc-provider renders itself (logout, device flow, errors), replaced by ours. */
export type ProviderPages = Pick<Configuration, 'renderError'> & {
  logoutSource: NonNullable<NonNullable<Configuration['features']>['rpInitiatedLogout']>['logoutSource'];
  postLogoutSuccessSource: NonNullable<
    NonNullable<Configuration['features']>['rpInitiatedLogout']
  >['postLogoutSuccessSource'];
  userCodeInputSource: NonNullable<
    NonNullable<Configuration['features']>['deviceFlow']
  >['userCodeInputSource'];
  userCodeConfirmSource: NonNullable<
    NonNullable<Configuration['features']>['deviceFlow']
  >['userCodeConfirmSource'];
  successSource: NonNullable<NonNullable<Configuration['features']>['deviceFlow']>['successSource'];
};

/** The `acr` values of ARCHITECTURE.md "Hosted pages", defined with the MFA vocabulary. */
export { ACR_MFA, ACR_PHR as ACR_PHISHING_RESISTANT } from '../mfa/factors.js';

/** The audience of access tokens for Portico's own GraphQL API (ARCHITECTURE.md "Public contract"). */
export const graphqlResource = (publicUrl: string): string => `${publicUrl}/graphql`;

export const issuerOf = (publicUrl: string, tenant: Pick<Tenant, 'slug'>): string =>
  `${publicUrl}/t/${tenant.slug}`;

/**
 * Builds the oidc-provider instance of one tenant (ARCHITECTURE.md "Tenants, admins and sessions"):
 * its clients, signing keys, lifetimes, per-tenant cookies, and the features Portico offers.
 */
export async function createTenantProvider(deps: ProviderFactoryDeps, tenant: Tenant): Promise<Provider> {
  const oidc = await loadOidcProvider();
  const { errors } = oidc;
  const settings = resolveTenantSettings(tenant.settings);
  const manager = deps.dataSource.manager;
  await deps.signingKeys.ensureKeys(manager, tenant.id);
  const [jwks, applications] = await Promise.all([
    deps.signingKeys.jwksForProvider(manager, tenant.id),
    manager.findBy(Application, { tenantId: tenant.id, type: 'oidc' }),
  ]);
  const issuer = issuerOf(deps.publicUrl, tenant);
  // The account pages' built-in client takes its id over any application that claims it.
  const clients = applications
    .filter((app) => app.clientId !== ACCOUNT_CLIENT_ID)
    .map((app) => clientMetadataOf(app, deps.applications.clientSecretOf(app)))
    .concat(accountClientMetadata(issuer));
  const cookiePath = new URL(issuer).pathname;
  const secure = deps.publicUrl.startsWith('https://');
  const pages = deps.pages(tenant);

  const configuration: Configuration = {
    adapter: deps.models.adapterFactory(tenant.id),
    clients,
    jwks: jwks as Configuration['jwks'],
    findAccount: accountFinder(deps.dataSource, tenant.id),
    claims: {
      ...CLAIMS_BY_SCOPE,
      acr: null,
      amr: null,
      sid: null,
      auth_time: null,
    } as Configuration['claims'],
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'address'],
    acrValues: [ACR_MFA, ACR_PHISHING_RESISTANT],
    responseTypes: ['code'],
    clientDefaults: {
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    extraClientMetadata: {
      properties: ['firstParty', 'corsOrigins'],
      validator(_ctx, key, value) {
        if (key === 'corsOrigins' && value !== undefined && !Array.isArray(value)) {
          throw new errors.InvalidClientMetadata('corsOrigins must be an array of origins');
        }
      },
    },
    extraTokenClaims: authTimeClaim,
    clientBasedCORS: (_ctx, origin, client) =>
      ((client.corsOrigins as string[] | undefined) ?? []).includes(origin),
    cookies: {
      keys: deps.keyRing.deriveKeys(`oidc-cookies:${tenant.id}`).map((k) => k.toString('base64url')),
      names: {
        session: `portico_session_${tenant.slug}`,
        interaction: `portico_interaction_${tenant.slug}`,
        resume: `portico_resume_${tenant.slug}`,
      },
      long: { httpOnly: true, sameSite: 'lax', path: cookiePath, secure },
      short: { httpOnly: true, sameSite: 'lax', path: cookiePath, secure },
    },
    interactions: {
      url: (_ctx, interaction) => `${issuer}/interaction/${interaction.uid}`,
      policy: promptPolicy(oidc),
    },
    rotateRefreshToken: true,
    ttl: lifetimesOf(settings),
    loadExistingGrant,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      dPoP: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: pages.logoutSource,
        postLogoutSuccessSource: pages.postLogoutSuccessSource,
      },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: pages.userCodeInputSource,
        userCodeConfirmSource: pages.userCodeConfirmSource,
        successSource: pages.successSource,
      },
      resourceIndicators: {
        enabled: true,
        // No resource requested: an opaque token for userinfo. A resource: a short-lived JWT for it.
        defaultResource: () => undefined as unknown as string,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) =>
          resourceServerFor(oidc, deps.publicUrl, resource, settings),
      },
    },
    renderError: pages.renderError,
    fetch: guardedFetch(deps.outboundAllowedHosts),
  };
  const provider = new oidc.default(issuer, configuration);
  // Host and protocol come from PUBLIC_URL (set on each request by the router), never from the client.
  provider.proxy = true;
  provider.use(
    deferProtocolWrites(deps.logger, async (ctx, out, error) => {
      await pages.renderError?.(ctx, out, error);
    }),
  );
  // oidc-provider answers an unexpected error with `server_error` and says why only in this event.
  provider.on('server_error', (ctx: KoaContextWithOIDC, error: unknown) =>
    deps.logger.error(
      { err: error, tenant: tenant.slug, route: ctx.oidc?.route },
      'oidc-provider server_error',
    ),
  );
  return provider;
}

/**
 * oidc-provider's prompts (login, consent) plus `create` (OpenID Connect "Initiating User Registration"):
 * with `prompt=create` the hosted pages open on registration until the user signs in.
 */
function promptPolicy({ interactionPolicy }: typeof OidcProvider) {
  const { Prompt, Check, base } = interactionPolicy;
  const policy = base();
  const registrationRequested = new Check(
    'registration_requested',
    'the client asked to start with registration',
    'interaction_required',
    (ctx) =>
      ctx.oidc.prompts.has('create') && !ctx.oidc.result?.login
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT,
  );
  const create = new Prompt({ name: 'create', requestable: true }, registrationRequested);
  // A requestable prompt gets oidc-provider's own check that waits for a `create` result; ours ends
  // when the user signs in (a `login` result), so that check must go.
  create.checks.remove('create_prompt');
  policy.unshift(create);
  policy.get('login')?.checks.add(acrStepUp(Check));
  return policy;
}

/**
 * Step-up (issue 6): `acr_values` naming a level this server knows that the session has not reached
 * (a single-factor session asked for `urn:portico:acr:mfa`) sends the user back to the login prompt, where
 * the hosted pages ask only for the missing factor. oidc-provider alone honours `acr` only as an
 * essential claim.
 */
function acrStepUp(Check: typeof OidcProvider.interactionPolicy.Check) {
  return new Check(
    'acr_step_up',
    'the requested authentication level was not reached',
    'login_required',
    (ctx) => {
      const requested = knownAcrValues(
        String(ctx.oidc.params?.acr_values ?? '')
          .split(' ')
          .filter(Boolean),
      );
      if (requested.length === 0 || !ctx.oidc.session?.accountId) return Check.NO_NEED_TO_PROMPT;
      const achieved = (ctx.oidc.session.acr as string | undefined) ?? null;
      return requested.some((acr) => acrSatisfies(achieved, acr))
        ? Check.NO_NEED_TO_PROMPT
        : Check.REQUEST_PROMPT;
    },
  );
}

/**
 * `auth_time` in access tokens (from the code, refresh token or device code they were issued for), so
 * the API can ask for a recent sign-in before factors change (ARCHITECTURE.md "Hosted pages").
 */
function authTimeClaim(ctx: KoaContextWithOIDC, token: { kind: string }) {
  if (token.kind !== 'AccessToken') return undefined;
  const { AuthorizationCode, RefreshToken, DeviceCode } = ctx.oidc.entities;
  const authTime = AuthorizationCode?.authTime ?? RefreshToken?.authTime ?? DeviceCode?.authTime;
  return typeof authTime === 'number' ? { auth_time: authTime } : undefined;
}

function resourceServerFor(
  { errors }: typeof OidcProvider,
  publicUrl: string,
  resource: string,
  settings: TenantSettings,
): ResourceServer {
  if (resource !== graphqlResource(publicUrl)) {
    throw new errors.InvalidTarget('unknown resource indicator');
  }
  return {
    scope: 'openid profile email phone address',
    audience: resource,
    accessTokenTTL: settings.lifetimes.accessToken,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'ES256' } },
  };
}

/** Tenant lifetimes (seconds); refresh tokens rotate and expire at the idle or absolute limit, whichever is first. */
function lifetimesOf(settings: TenantSettings): Configuration['ttl'] {
  const l = settings.lifetimes;
  return {
    AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? l.accessToken,
    ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? l.accessToken,
    AuthorizationCode: 60,
    DeviceCode: 600,
    BackchannelAuthenticationRequest: 600,
    IdToken: l.idToken,
    Interaction: 3600,
    Session: l.session,
    Grant: l.refreshTokenAbsolute,
    RefreshToken(_ctx, token) {
      const now = Math.floor(Date.now() / 1000);
      const issuedFirst = (token as { iiat?: number }).iiat ?? now;
      const absoluteLeft = issuedFirst + l.refreshTokenAbsolute - now;
      return Math.max(1, Math.min(l.refreshTokenIdle, absoluteLeft));
    },
  };
}

/**
 * First-party applications skip the consent screen (ARCHITECTURE.md kickstart `firstParty`): their
 * grant is created with what they asked for. Third-party ones reuse the grant the user consented to.
 */
async function loadExistingGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client!.clientId);
  if (grantId) return oidc.provider.Grant.find(grantId);
  if (!oidc.client?.firstParty || !oidc.session?.accountId) return undefined;
  const grant = new oidc.provider.Grant({
    clientId: oidc.client.clientId,
    accountId: oidc.session.accountId,
  });
  grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
  for (const [indicator, resource] of Object.entries(oidc.resourceServers ?? {})) {
    grant.addResourceScope(indicator, resource.scope);
  }
  await grant.save();
  return grant;
}
