import type { ErrorMessageKey } from '../i18n/translate.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import {
  type InteractionDeps,
  interactionIdentifier,
  remember,
  render,
  requestMeta,
  type Step,
} from './interaction-step.js';
import { codePage, forgotPasswordPage, linkSentPage, resetPasswordPage } from './views/index.js';

/**
 * "Forgot password?" inside a login: the address gets a link (the reset itself happens on
 * `/t/T/reset-password`, in any browser), or a verified phone gets a code whose page leads straight to
 * the new-password form. Every answer is the same whether or not the account exists.
 */
export function showForgot(step: Step, deps: InteractionDeps, error?: ErrorMessageKey, status = 200) {
  const smsAvailable = resolveTenantSettings(step.entry.tenant.settings).passwordless.smsOtp;
  return render(
    step,
    deps,
    (ctx) =>
      forgotPasswordPage({
        ...ctx,
        action: `${step.base}/forgot`,
        identifier: interactionIdentifier(step) || undefined,
        smsAvailable,
        backHref: step.base,
        error,
      }),
    status,
  );
}

export async function submitForgot(step: Step, deps: InteractionDeps): Promise<void> {
  const identifier = String(step.req.body.identifier ?? '').trim();
  if (identifier === '') return showForgot(step, deps, 'error.identifierRequired', 400);
  await remember(step, { identifier });
  const request = { tenant: step.entry.tenant, identifier, locale: step.locale, ...requestMeta(step) };
  const smsEnabled = resolveTenantSettings(step.entry.tenant.settings).passwordless.smsOtp;
  if (step.req.body.method === 'sms' && smsEnabled) {
    await deps.passwordReset.requestSmsCode({ ...request, flowId: step.details.uid });
    return showResetCode(step, deps);
  }
  await deps.passwordReset.requestLink(request);
  return render(step, deps, (ctx) => linkSentPage({ ...ctx, backHref: step.base }));
}

function showResetCode(step: Step, deps: InteractionDeps, invalid = false) {
  return render(
    step,
    deps,
    (ctx) =>
      codePage({
        ...ctx,
        action: `${step.base}/forgot/code`,
        channel: 'sms',
        backHref: `${step.base}/forgot`,
        error: invalid ? 'error.codeInvalid' : undefined,
      }),
    invalid ? 400 : 200,
  );
}

/** The SMS code of a reset: right → the new-password form (posting to the standalone reset page). */
export async function submitResetCode(step: Step, deps: InteractionDeps): Promise<void> {
  const token = await deps.passwordReset.exchangeSmsCode({
    tenant: step.entry.tenant,
    identifier: interactionIdentifier(step),
    flowId: step.details.uid,
    code: String(step.req.body.code ?? ''),
    locale: step.locale,
    ...requestMeta(step),
  });
  if (!token) return showResetCode(step, deps, true);
  const settings = resolveTenantSettings(step.entry.tenant.settings);
  const slug = step.entry.tenant.slug;
  step.res.set('Referrer-Policy', 'no-referrer');
  return render(step, deps, (ctx) =>
    resetPasswordPage({
      ...ctx,
      // The reset page has its own CSRF token, bound to the reset token.
      csrfToken: deps.csrf.issue(step.entry.tenant.id, `reset:${token}`),
      action: `/t/${slug}/reset-password`,
      token,
      passwordMinLength: deps.passwordPolicy.minLength(settings),
    }),
  );
}
