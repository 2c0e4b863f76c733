import type { ErrorMessageKey } from '../i18n/translate.js';
import { t } from '../i18n/translate.js';
import { isAppError } from '../shared/errors.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { User } from '../users/user.entity.js';
import { type AccountContext, type AccountDeps, baseModel, send } from './account-context.js';
import { securityFactorParts } from './account-factors.js';
import { type ProfilePageModel, profilePage } from './views/profile-page.js';
import { dataPage, securityPage, sessionsPage } from './views/section-pages.js';

/** The page message of each AppError the account service throws for bad input. */
const PAGE_ERRORS: Record<string, ErrorMessageKey> = {
  invalid_email: 'error.emailInvalid',
  invalid_phone: 'error.phoneInvalid',
  code_invalid: 'error.codeInvalid',
  current_password_invalid: 'error.currentPasswordInvalid',
  password_too_short: 'error.passwordTooShort',
  password_too_long: 'error.passwordTooLong',
  password_too_common: 'error.passwordTooCommon',
  invalid_input: 'error.profileValueTooLong',
};

/** Runs `action`; an input error (or a send limit) becomes the page's alert, anything else propagates. */
async function attempt(action: () => Promise<void>): Promise<ErrorMessageKey | null> {
  try {
    await action();
    return null;
  } catch (error) {
    if (!isAppError(error)) throw error;
    if (error.status === 429) return 'error.tooManyRequests';
    const message = PAGE_ERRORS[error.code];
    if (!message) throw error;
    return message;
  }
}

const field = (ctx: AccountContext, name: string): string => {
  const value = ctx.req.body?.[name];
  return typeof value === 'string' ? value.slice(0, 1_024) : '';
};

type ProfileExtras = Partial<Pick<ProfilePageModel, 'error' | 'notice' | 'pendingPhone' | 'invalidForm'>>;

export async function showProfile(ctx: AccountContext, deps: AccountDeps, extras: ProfileExtras = {}) {
  const { user } = ctx;
  const text = (key: string) => (typeof user.profile[key] === 'string' ? (user.profile[key] as string) : '');
  const model: ProfilePageModel = {
    ...baseModel(ctx, deps),
    profile: { givenName: text('givenName'), familyName: text('familyName'), nickname: text('nickname') },
    email: user.email,
    emailVerified: user.emailVerified,
    phone: user.phone,
    phoneVerified: user.phoneVerified,
    ...extras,
  };
  send(ctx, profilePage(model), extras.error ? 400 : 200);
}

export async function submitProfile(ctx: AccountContext, deps: AccountDeps) {
  const error = await attempt(async () => {
    ctx.user = await deps.account.updateProfile(ctx.request, {
      givenName: field(ctx, 'givenName'),
      familyName: field(ctx, 'familyName'),
      nickname: field(ctx, 'nickname'),
    });
  });
  const notice = error ? undefined : t(ctx.page.context.locale, 'account.saved');
  await showProfile(ctx, deps, {
    error: error ?? undefined,
    notice,
    invalidForm: error ? 'profile' : undefined,
  });
}

export async function submitEmail(ctx: AccountContext, deps: AccountDeps) {
  const email = field(ctx, 'email').trim();
  const error = await attempt(() => deps.account.requestEmailChange(ctx.request, email));
  if (error) return showProfile(ctx, deps, { error, invalidForm: 'email' });
  await showProfile(ctx, deps, { notice: t(ctx.page.context.locale, 'account.email.sent', { email }) });
}

export async function submitPhone(ctx: AccountContext, deps: AccountDeps) {
  const phone = field(ctx, 'phone').trim();
  const error = await attempt(() => deps.account.startPhoneVerification(ctx.request, phone));
  if (error) return showProfile(ctx, deps, { error, invalidForm: 'phone' });
  const notice = t(ctx.page.context.locale, 'account.phone.codeSent', { phone });
  await showProfile(ctx, deps, { notice, pendingPhone: phone });
}

export async function confirmPhone(ctx: AccountContext, deps: AccountDeps) {
  const phone = field(ctx, 'phone');
  const error = await attempt(() => deps.account.confirmPhone(ctx.request, phone, field(ctx, 'code')));
  if (error) return showProfile(ctx, deps, { error, pendingPhone: phone, invalidForm: 'phoneCode' });
  ctx.user = await deps.dataSource.manager.findOneByOrFail(User, {
    id: ctx.user.id,
    tenantId: ctx.tenant.id,
  });
  await showProfile(ctx, deps, { notice: t(ctx.page.context.locale, 'account.phone.verified') });
}

export async function showSecurity(
  ctx: AccountContext,
  deps: AccountDeps,
  error?: ErrorMessageKey,
  notice?: string,
  factorExtras: Parameters<typeof securityFactorParts>[2] = {},
) {
  const settings = resolveTenantSettings(ctx.tenant.settings);
  const base = baseModel(ctx, deps);
  const factors = await securityFactorParts(ctx, deps, factorExtras);
  const model = {
    ...base,
    error,
    notice,
    passwordMinLength: deps.passwordPolicy.minLength(settings),
    factorParts: factors.parts(base.csrfToken),
    scriptSources: factors.scriptSources,
  };
  send(ctx, securityPage(model), error ? 400 : 200);
}

export const showSecurityPage = (ctx: AccountContext, deps: AccountDeps) => {
  const added = ctx.req.query.added === 'passkey';
  return showSecurity(
    ctx,
    deps,
    undefined,
    added ? t(ctx.page.context.locale, 'account.security.passkeyAdded') : undefined,
  );
};

export async function submitPassword(ctx: AccountContext, deps: AccountDeps) {
  const passwords = { current: field(ctx, 'currentPassword'), next: field(ctx, 'newPassword') };
  const error = await attempt(() => deps.account.changePassword(ctx.request, passwords, ctx.session.sid));
  if (error) return showSecurity(ctx, deps, error);
  await showSecurity(ctx, deps, undefined, t(ctx.page.context.locale, 'account.security.passwordChanged'));
}

export async function showSessions(ctx: AccountContext, deps: AccountDeps, notice?: string) {
  const sessions = await deps.account.listSessions(ctx.request);
  const views = sessions.map((s) => ({ ...s, current: s.uid === ctx.session.sid }));
  send(ctx, sessionsPage({ ...baseModel(ctx, deps), notice, sessions: views }));
}

export async function revokeSession(ctx: AccountContext, deps: AccountDeps) {
  const uid = field(ctx, 'session');
  // The current session is ended by "Sign out", which also clears the account cookie.
  if (uid !== '' && uid !== ctx.session.sid) await deps.account.revokeSession(ctx.request, uid);
  await showSessions(ctx, deps, t(ctx.page.context.locale, 'account.sessions.revoked'));
}

export async function revokeOtherSessions(ctx: AccountContext, deps: AccountDeps) {
  await deps.account.signOutOtherSessions(ctx.request, ctx.session.sid);
  await showSessions(ctx, deps, t(ctx.page.context.locale, 'account.sessions.revokedOthers'));
}

export async function showData(ctx: AccountContext, deps: AccountDeps) {
  send(ctx, dataPage(baseModel(ctx, deps)));
}

/** The JSON download, written section by section as each is read. */
export async function exportData(ctx: AccountContext, deps: AccountDeps) {
  const sections = await deps.account.exportSections(ctx.request);
  const { res } = ctx;
  res.status(200).set({
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Disposition': `attachment; filename="account-data-${ctx.tenant.slug}.json"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  try {
    res.write('{');
    for (const [index, [name, load]] of sections.entries()) {
      const value = await load();
      res.write(`${index === 0 ? '' : ','}\n  ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
    }
    res.end('\n}\n');
  } catch (error) {
    // Headers are gone: cut the download short so the file is visibly incomplete (invalid JSON).
    ctx.req.log.error({ err: error }, 'account data export failed');
    res.destroy(error as Error);
  }
}
