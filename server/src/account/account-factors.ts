import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { ErrorMessageKey } from '../i18n/translate.js';
import { t } from '../i18n/translate.js';
import { passkeyScriptSrc } from '../passkeys/passkey-script.js';
import { isAppError } from '../shared/errors.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { type AccountContext, type AccountDeps, RECENT_SIGN_IN_SECONDS } from './account-context.js';
import { nowSeconds } from './account-cookies.js';
import { showSecurity } from './account-handlers.js';
import { factorParts } from './views/factor-parts.js';

/**
 * The factor parts of the Security section (issue 6): passkeys (add, rename, remove), the authenticator
 * app (set up with a QR code and a first code, remove), recovery codes (new ones, shown once). Adding
 * or removing a factor needs a sign-in within 5 minutes (the routes ask for it); FactorsService refuses
 * to remove the last factor while MFA is required, and its error is the page's alert.
 */

type Extras = Pick<Parameters<typeof factorParts>[0], 'enrollment' | 'codes'>;

const FACTOR_ERRORS: Record<string, ErrorMessageKey> = {
  last_factor_required: 'error.lastFactor',
  invalid_passkey_name: 'error.passkeyNameInvalid',
  mfa_invalid_code: 'error.codeInvalid',
  totp_not_pending: 'error.codeInvalid',
  reauthentication_required: 'error.formExpired',
};

/** The parts and the script they need, for `showSecurity`. */
export async function securityFactorParts(ctx: AccountContext, deps: AccountDeps, extras: Extras = {}) {
  const settings = resolveTenantSettings(ctx.tenant.settings);
  const summary = await deps.mfa.factors.list(deps.dataSource.manager, ctx.tenant.id, ctx.user.id);
  const passkeysAllowed = settings.passwordless.passkeys || settings.mfa.allowedFactors.includes('webauthn');
  return {
    scriptSources: passkeysAllowed ? [passkeyScriptSrc(ctx.tenant.slug)] : [],
    parts: (csrfToken: string) =>
      factorParts({
        locale: ctx.page.context.locale,
        csrfToken,
        basePath: ctx.basePath,
        summary,
        passkeysAllowed,
        totpAllowed: settings.mfa.allowedFactors.includes('totp'),
        ...extras,
      }),
  };
}

const change = (ctx: AccountContext) => ({
  actor: { type: 'user' as const, id: ctx.user.id },
  authTime: ctx.session.authTime,
  origin: { ip: ctx.request.ip, userAgent: ctx.request.userAgent },
});

const field = (ctx: AccountContext, name: string) => {
  const value = ctx.req.body?.[name];
  return typeof value === 'string' ? value.slice(0, 1_024) : '';
};

/** Runs a factor change; its input error becomes the page's alert. */
async function attempt(ctx: AccountContext, deps: AccountDeps, action: () => Promise<string>) {
  try {
    const notice = await action();
    return showSecurity(ctx, deps, undefined, notice);
  } catch (error) {
    const message = isAppError(error) ? FACTOR_ERRORS[error.code] : undefined;
    if (!message) throw error;
    return showSecurity(ctx, deps, message);
  }
}

const text = (ctx: AccountContext, key: Parameters<typeof t>[1]) => t(ctx.page.context.locale, key);

export const removeFactor = (ctx: AccountContext, deps: AccountDeps) =>
  attempt(ctx, deps, async () => {
    await deps.mfa.factors.remove(ctx.tenant, ctx.user.id, field(ctx, 'factor'), change(ctx));
    return text(ctx, 'account.security.factorRemoved');
  });

export const renamePasskey = (ctx: AccountContext, deps: AccountDeps) =>
  attempt(ctx, deps, async () => {
    const { actor, origin } = change(ctx);
    await deps.mfa.factors.renamePasskey(ctx.tenant, ctx.user.id, field(ctx, 'factor'), field(ctx, 'name'), {
      actor,
      origin,
    });
    return text(ctx, 'account.security.passkeyRenamed');
  });

export async function beginTotp(ctx: AccountContext, deps: AccountDeps) {
  const enrollment = await deps.mfa.totp.beginEnrollment(ctx.tenant, ctx.user);
  return showSecurity(ctx, deps, undefined, undefined, { enrollment });
}

export async function confirmTotp(ctx: AccountContext, deps: AccountDeps) {
  const { actor, origin } = change(ctx);
  try {
    await deps.mfa.totp.confirmEnrollment(ctx.tenant, ctx.user, field(ctx, 'code'), actor, origin);
  } catch (error) {
    if (!isAppError(error) || !FACTOR_ERRORS[error.code]) throw error;
    return showSecurity(ctx, deps, 'error.codeInvalid');
  }
  const codes = await deps.mfa.recoveryCodes.regenerate(ctx.tenant, ctx.user.id, actor, origin);
  return showSecurity(ctx, deps, undefined, text(ctx, 'account.security.totpEnabled'), { codes });
}

export async function regenerateCodes(ctx: AccountContext, deps: AccountDeps) {
  const { actor, origin } = change(ctx);
  const codes = await deps.mfa.recoveryCodes.regenerate(ctx.tenant, ctx.user.id, actor, origin);
  return showSecurity(ctx, deps, undefined, text(ctx, 'account.security.codesRegenerated'), { codes });
}

/** JSON for the passkey script: a stale sign-in is sent to sign in again, then back to Security. */
function json(ctx: AccountContext, status: number, body: Record<string, unknown>) {
  ctx.res.status(status).set('Cache-Control', 'no-store').json(body);
}

const isRecent = (ctx: AccountContext) => nowSeconds() - ctx.session.authTime <= RECENT_SIGN_IN_SECONDS;

export async function passkeyRegistrationOptions(ctx: AccountContext, deps: AccountDeps) {
  if (!isRecent(ctx)) return json(ctx, 200, { redirect: `${ctx.basePath}/security/recent` });
  try {
    const options = await deps.mfa.passkeys.registrationOptions(ctx.tenant, ctx.user);
    return json(ctx, 200, { options });
  } catch (error) {
    if (!isAppError(error)) throw error;
    return json(ctx, error.status, { error: text(ctx, 'error.passkeyRegistrationFailed') });
  }
}

export async function addPasskey(ctx: AccountContext, deps: AccountDeps) {
  if (!isRecent(ctx)) return json(ctx, 200, { redirect: `${ctx.basePath}/security/recent` });
  const response = ctx.req.body?.response as RegistrationResponseJSON | undefined;
  try {
    if (typeof response?.id !== 'string') throw new TypeError('no credential');
    const { actor, origin } = change(ctx);
    await deps.mfa.passkeys.verifyRegistration(ctx.tenant, ctx.user, response, {
      name: field(ctx, 'name') || undefined,
      actor,
      origin,
    });
  } catch (error) {
    if (!isAppError(error) && !(error instanceof TypeError)) throw error;
    return json(ctx, 400, { error: text(ctx, 'error.passkeyRegistrationFailed') });
  }
  return json(ctx, 200, { redirect: `${ctx.basePath}/security?added=passkey` });
}
