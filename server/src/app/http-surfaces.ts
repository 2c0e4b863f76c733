import { accountRoutes } from '../account/account.routes.js';
import { AccountCookies } from '../account/account-cookies.js';
import { AccountSignIn } from '../account/account-sign-in.js';
import type { GraphqlDeps } from '../graphql/graphql.deps.js';
import { graphqlRoutes } from '../graphql/graphql.routes.js';
import { interactionRoutes } from '../interactions/interactions.routes.js';
import { linkPageRoutes } from '../interactions/link-pages.routes.js';
import { oidcDirectRoute, oidcProtocolRoutes, oidcRoutes } from '../oidc/oidc.routes.js';
import type { Portico } from './portico.js';

/**
 * The public HTTP surfaces wired from the composition root's services (STYLE.md §3): what each router
 * receives, and their order — the OIDC protocol endpoints (the hot path) first, hosted interaction and
 * link pages, account pages, each tenant's other OIDC endpoints (which take every other `/t/T/…` path),
 * then the GraphQL API.
 */
export function publicRouters(portico: Portico) {
  const { providers, config } = portico;
  const interactions = interactionDeps(portico);
  return [
    oidcProtocolRoutes(providers, config.publicUrl),
    interactionRoutes(interactions),
    linkPageRoutes(interactions),
    accountRoutes(accountDeps(portico)),
    oidcRoutes(providers, config.publicUrl),
    graphqlRoutes(graphqlDeps(portico)),
  ];
}

/** The routes served before Express: each built tenant's OIDC protocol endpoints. */
export function directRoutes(portico: Portico) {
  return [oidcDirectRoute(portico.providers, portico.config.publicUrl)];
}

/** The hosted login's services: every factor, the recovery flows, MFA and the prompts after sign-in. */
function interactionDeps(portico: Portico) {
  return {
    dataSource: portico.dataSource,
    providers: portico.providers,
    passwordLogin: portico.passwordLogin,
    passwordless: portico.passwordless,
    passwordReset: portico.passwordReset,
    passwordPolicy: portico.passwordPolicy,
    contactVerification: portico.contactVerification,
    registration: portico.registration,
    loginPrompts: portico.loginPrompts,
    mfa: portico.mfa,
    audit: portico.audit,
    publicUrl: portico.config.publicUrl,
    csrf: portico.csrf,
  };
}

/** The account pages (`/t/T/account`), signed in through each tenant's own provider. */
function accountDeps(portico: Portico) {
  const { config, logger, metrics } = portico;
  const cookies = new AccountCookies(portico.keyRing, config.publicUrl.startsWith('https://'));
  const signIn = new AccountSignIn({
    publicUrl: config.publicUrl,
    cookies,
    logger,
    countOutcome: (outcome) => metrics.accountSignIns.inc({ outcome }),
  });
  return {
    providers: portico.providers,
    dataSource: portico.dataSource,
    account: portico.account,
    signIn,
    cookies,
    csrf: portico.csrf,
    passwordPolicy: portico.passwordPolicy,
    consent: portico.consent,
    mfa: portico.mfa,
  };
}

function graphqlDeps(portico: Portico): GraphqlDeps {
  const { config } = portico;
  return {
    publicUrl: config.publicUrl,
    production: config.production,
    dataSource: portico.dataSource,
    tenants: portico.tenants,
    users: portico.users,
    apiKeys: portico.apiKeys,
    audit: portico.audit,
    userSessions: portico.userSessions,
    signingKeys: portico.signingKeys,
    logger: portico.logger,
    applications: portico.applications,
    passwordReset: portico.passwordReset,
    consent: portico.consent,
    profileFields: portico.profileFields,
    account: portico.account,
    factors: portico.mfa.factors,
    messageTemplates: portico.messageTemplates,
    smsProviders: portico.smsProviders,
    tenantsChanged: (slugs) => portico.tenantsChanged(slugs),
  };
}
