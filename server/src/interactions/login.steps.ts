import type { ErrorMessageKey } from '../i18n/translate.js';
import { passkeyScriptSrc } from '../passkeys/passkey-script.js';
import { AppError } from '../shared/errors.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { User } from '../users/user.entity.js';
import { completeAuthentication, stepUpSession } from './after-login.steps.js';
import {
  finish,
  type InteractionDeps,
  interactionIdentifier,
  remember,
  render,
  renderError,
  requestMeta,
  type Step,
  stringParam,
} from './interaction-step.js';
import { passwordlessChoices } from './passwordless.steps.js';
import { showRegistration } from './registration.steps.js';
import { consentPage, identifierPage, passwordPage, verifyEmailFirstPage } from './views/index.js';

/** GET: the page the current prompt asks for. */
export async function showPrompt(step: Step, deps: InteractionDeps): Promise<void> {
  const { details } = step;
  // `prompt=create` opens on registration; its "Sign in" link (?signin) leads to the login steps.
  if (details.prompt.name === 'create' && step.req.query.signin === undefined)
    return showRegistration(deps, step);
  if (details.prompt.name === 'login' && (await stepUpSession(step, deps))) return;
  if (details.prompt.name === 'login' || details.prompt.name === 'create') {
    const links = await identifierLinks(step, deps);
    return render(step, deps, (ctx) =>
      identifierPage({
        ...ctx,
        ...links,
        identifier: stringParam(details.params.login_hint),
      }),
    );
  }
  if (details.prompt.name === 'consent') return showConsent(step, deps);
  return renderError(step.entry, step.req, step.res, 'error.invalidRequest', 400);
}

export async function submitIdentifier(step: Step, deps: InteractionDeps): Promise<void> {
  const identifier = String(step.req.body.identifier ?? '').trim();
  if (identifier === '') {
    const links = await identifierLinks(step, deps);
    return render(
      step,
      deps,
      (ctx) => identifierPage({ ...ctx, ...links, error: 'error.identifierRequired' }),
      400,
    );
  }
  // No lookup here: the next page is the same whether or not the account exists (SECURITY.md item 3).
  // The identifier rides on the interaction itself (server-side), not on a form field.
  // The passkey script adds `webauthn=platform` when this device has a built-in authenticator: only
  // then does the login offer to add a passkey (a device that cannot hold one is never asked).
  await remember(step, { identifier, webauthnCapable: step.req.body.webauthn === 'platform' });
  return showPassword(step, deps, identifier);
}

function showPassword(
  step: Step,
  deps: InteractionDeps,
  identifier: string,
  error?: ErrorMessageKey,
  status = 200,
) {
  return render(
    step,
    deps,
    (ctx) =>
      passwordPage({
        ...ctx,
        action: `${step.base}/password`,
        identifier,
        changeIdentifierHref: step.base,
        forgotPasswordHref: `${step.base}/forgot`,
        alternatives: { action: `${step.base}/passwordless`, methods: passwordlessChoices(step, deps) },
        error,
      }),
    status,
  );
}

export async function submitPassword(step: Step, deps: InteractionDeps): Promise<void> {
  const { req, entry } = step;
  const identifier = interactionIdentifier(step);
  if (identifier === '') return showPrompt(step, deps);
  const result = await deps.passwordLogin.authenticate({
    tenant: entry.tenant,
    identifier,
    password: String(req.body.password ?? ''),
    ...requestMeta(step),
  });
  if (!result.ok) return showPassword(step, deps, identifier, 'error.invalidCredentials', 400);
  if (mustVerifyEmailFirst(step, result.user)) {
    await remember(step, { unverifiedUserId: result.user.id });
    return render(step, deps, (ctx) =>
      verifyEmailFirstPage({ ...ctx, resendAction: `${step.base}/verify-email` }),
    );
  }
  // The row the password login read and stamped (login_count) in this request.
  return completeAuthentication(step, deps, result.user, { method: 'password', at: nowSeconds() });
}

/** `registration.requireVerifiedEmail`: the password was right, but the address is not proven yet. */
function mustVerifyEmailFirst(step: Step, user: User): boolean {
  const settings = resolveTenantSettings(step.entry.tenant.settings);
  return settings.registration.requireVerifiedEmail && !user.emailVerified;
}

/** "Send the link again" on the verify-first page (only after the right password was given). */
export async function resendVerification(step: Step, deps: InteractionDeps): Promise<void> {
  const userId = step.details.result?.unverifiedUserId;
  if (typeof userId !== 'string') return showPrompt(step, deps);
  await deps.dataSource
    .transaction(async (manager) => {
      const user = await manager.findOneBy(User, { tenantId: step.entry.tenant.id, id: userId });
      if (!user) return;
      const context = { tenant: step.entry.tenant, locale: step.locale, ...requestMeta(step) };
      await deps.contactVerification.sendEmailVerification(manager, context, user);
    })
    .catch((error: unknown) => {
      if (!(error instanceof AppError) || error.status !== 429) throw error;
    });
  return render(step, deps, (ctx) =>
    verifyEmailFirstPage({ ...ctx, resendAction: `${step.base}/verify-email` }),
  );
}

async function showConsent(step: Step, deps: InteractionDeps): Promise<void> {
  const { details, entry } = step;
  const client = await entry.provider.Client.find(String(details.params.client_id));
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const scopes = [
    ...(missing.missingOIDCScope ?? []),
    ...Object.values(missing.missingResourceScopes ?? {}).flat(),
  ];
  return render(step, deps, (ctx) =>
    consentPage({
      ...ctx,
      action: `${step.base}/consent`,
      clientName: client?.clientName ?? String(details.params.client_id),
      scopes,
    }),
  );
}

export async function submitConsent(step: Step): Promise<void> {
  const { details, entry, req } = step;
  if (req.body.decision !== 'allow') {
    return finish(step, { error: 'access_denied', error_description: 'the user denied the request' });
  }
  const { accountId } = details.session ?? {};
  const clientId = String(details.params.client_id);
  const grant = details.grantId
    ? await entry.provider.Grant.find(details.grantId)
    : new entry.provider.Grant({ accountId, clientId });
  if (!grant) throw new AppError('interaction_grant_missing', 400, 'The grant of this request is gone.');
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return finish(step, { consent: { grantId } });
}

/**
 * The identifier page's links and passkey options: "Sign in with a passkey" and passkey autofill once
 * the tenant allows passwordless passkeys and any of its users has one (ARCHITECTURE.md "Hosted pages").
 */
async function identifierLinks(step: Step, deps: InteractionDeps) {
  const { tenant } = step.entry;
  const settings = resolveTenantSettings(tenant.settings);
  const passkeys = settings.passwordless.passkeys && (await tenantHasPasskeys(deps, tenant.id));
  return {
    action: `${step.base}/identifier`,
    passkeyAutofill: passkeys,
    passkeysAvailable: passkeys,
    passkeyAction: `${step.base}/passkey`,
    passkeyScriptSrc: settings.passwordless.passkeys ? passkeyScriptSrc(tenant.slug) : undefined,
    createAccountHref: settings.registration.enabled ? `${step.base}/register` : undefined,
  };
}

/** Kept per process (passkeys/tenant-passkeys.ts): most renders of the identifier page make no statement. */
function tenantHasPasskeys(deps: InteractionDeps, tenantId: string): Promise<boolean> {
  return deps.mfa.passkeys.tenantHasPasskeys(tenantId);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
