import type { ErrorMessageKey } from '../i18n/translate.js';
import type { FieldError } from '../profiles/profile-values.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import {
  type InteractionDeps,
  render,
  renderError,
  requestMeta,
  type Step,
  stringParam,
} from './interaction-step.js';
import {
  profileInputsFor,
  registrationConsents,
  submittedPolicyIds,
  submittedProfileValues,
} from './prompts.js';
import { registrationPage, registrationSentPage } from './views/index.js';

export async function showRegistration(
  deps: InteractionDeps,
  step: Step,
  error?: ErrorMessageKey,
  status = 200,
  fieldErrors: readonly FieldError[] = [],
) {
  const settings = resolveTenantSettings(step.entry.tenant.settings);
  if (!settings.registration.enabled)
    return renderError(step.entry, step.req, step.res, 'error.notFound', 404);
  const form = await deps.registration.formFor(step.entry.tenant);
  const checked = new Set(submittedPolicyIds(step.req.body?.consent));
  const submitted = submittedProfileValues(step.req.body ?? {});
  return render(
    step,
    deps,
    (ctx) =>
      registrationPage({
        ...ctx,
        action: `${step.base}/register`,
        passwordMinLength: deps.passwordPolicy.minLength(settings),
        askNames: true,
        consents: registrationConsents(form.policies, ctx.locale, checked),
        profileFields: profileInputsFor(form.fields, ctx.locale, submitted, fieldErrors),
        signInHref: `${step.base}?signin`,
        values: {
          email: stringParam(step.req.body?.email),
          givenName: stringParam(step.req.body?.given_name),
          familyName: stringParam(step.req.body?.family_name),
        },
        error,
      }),
    status,
  );
}

export async function submitRegistration(step: Step, deps: InteractionDeps): Promise<void> {
  const { req, entry } = step;
  const settings = resolveTenantSettings(entry.tenant.settings);
  if (!settings.registration.enabled) return renderError(entry, req, step.res, 'error.notFound', 404);
  const outcome = await deps.registration.register(entry.tenant, {
    email: String(req.body.email ?? ''),
    password: String(req.body.password ?? ''),
    givenName: stringParam(req.body.given_name),
    familyName: stringParam(req.body.family_name),
    locale: step.locale,
    policyIds: submittedPolicyIds(req.body.consent),
    profile: submittedProfileValues(req.body),
    ...requestMeta(step),
  });
  if (outcome.error) return showRegistration(deps, step, outcome.error, 400, outcome.fieldErrors);
  // The same answer whether the address was new or already had an account (ARCHITECTURE.md "Hosted pages").
  return render(step, deps, (ctx) =>
    registrationSentPage({ ...ctx, email: outcome.email, signInHref: `${step.base}?signin` }),
  );
}
