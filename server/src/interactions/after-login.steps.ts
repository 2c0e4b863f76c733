import { Application } from '../applications/application.entity.js';
import type { ErrorMessageKey } from '../i18n/translate.js';
import type { MissingField } from '../profiles/profile-fields.service.js';
import type { FieldError } from '../profiles/profile-values.js';
import {
  finish,
  type InteractionDeps,
  remember,
  render,
  requestMeta,
  type Step,
} from './interaction-step.js';
import { showPrompt } from './login.steps.js';
import { policyItems, profileInputsFor, submittedPolicyIds, submittedProfileValues } from './prompts.js';
import { consentPoliciesPage, profilePromptPage } from './views/index.js';

/** Who the user proved to be, kept on the interaction until the prompts after sign-in are done. */
interface PendingLogin {
  accountId: string;
  amr: string[];
  ts: number;
  /** "Not now" on the optional profile questions of this login. */
  profileSkipped?: boolean;
}

/**
 * The steps between "the user is authenticated" and "back to the app" (ARCHITECTURE.md "Request flows"
 * → Login): consent to required policies the user has not accepted in their current version, then the
 * profile fields the tenant asks now. Every first factor (password, codes, magic link) ends here.
 */
export async function completeAuthentication(
  step: Step,
  deps: InteractionDeps,
  accountId: string,
  amr: string[],
): Promise<void> {
  const pending: PendingLogin = { accountId, amr, ts: Math.floor(Date.now() / 1000) };
  await remember(step, { pendingLogin: pending });
  return continueLogin(step, deps, pending);
}

function pendingLoginOf(step: Step): PendingLogin | undefined {
  const value = step.details.result?.pendingLogin as PendingLogin | undefined;
  return value && typeof value.accountId === 'string' ? value : undefined;
}

async function continueLogin(step: Step, deps: InteractionDeps, pending: PendingLogin): Promise<void> {
  const tenantId = step.entry.tenant.id;
  const prompts = await deps.loginPrompts.whatToAsk(
    tenantId,
    pending.accountId,
    await applicationIdOf(step, deps),
  );
  if (prompts.policies.length > 0) return showPolicies(step, deps, prompts.policies);
  const fields = pending.profileSkipped ? prompts.fields.filter((f) => f.required) : prompts.fields;
  if (fields.length > 0) return showProfilePrompt(step, deps, fields);
  return finish(step, {
    login: { accountId: pending.accountId, amr: pending.amr, remember: true, ts: pending.ts },
  });
}

/** The application row of the client of this authorization request (profile fields may target it). */
async function applicationIdOf(step: Step, deps: InteractionDeps): Promise<string | null> {
  const clientId = String(step.details.params.client_id ?? '');
  const app = await deps.dataSource.manager.findOne(Application, {
    where: { tenantId: step.entry.tenant.id, clientId },
    select: { id: true },
  });
  return app?.id ?? null;
}

function showPolicies(
  step: Step,
  deps: InteractionDeps,
  policies: Parameters<typeof policyItems>[0],
  error?: ErrorMessageKey,
) {
  const checked = new Set(submittedPolicyIds(step.req.body?.policy));
  return render(
    step,
    deps,
    (ctx) =>
      consentPoliciesPage({
        ...ctx,
        action: `${step.base}/policies`,
        policies: policyItems(policies, ctx.locale, checked),
        error,
      }),
    error ? 400 : 200,
  );
}

export async function submitPolicies(step: Step, deps: InteractionDeps): Promise<void> {
  const pending = pendingLoginOf(step);
  if (!pending) return showPrompt(step, deps);
  const outcome = await deps.loginPrompts.acceptPolicies(
    step.entry.tenant.id,
    pending.accountId,
    submittedPolicyIds(step.req.body.policy),
    requestMeta(step),
  );
  if (!outcome.ok) {
    const { policies } = await deps.loginPrompts.whatToAsk(step.entry.tenant.id, pending.accountId, null);
    return showPolicies(step, deps, policies, 'error.consentRequired');
  }
  return continueLogin(step, deps, pending);
}

function showProfilePrompt(
  step: Step,
  deps: InteractionDeps,
  fields: readonly MissingField[],
  errors: readonly FieldError[] = [],
) {
  const submitted = submittedProfileValues(step.req.body ?? {});
  return render(
    step,
    deps,
    (ctx) =>
      profilePromptPage({
        ...ctx,
        action: `${step.base}/profile`,
        inputs: profileInputsFor(fields, ctx.locale, submitted, errors),
      }),
    errors.length > 0 ? 400 : 200,
  );
}

export async function submitProfile(step: Step, deps: InteractionDeps): Promise<void> {
  const pending = pendingLoginOf(step);
  if (!pending) return showPrompt(step, deps);
  const tenantId = step.entry.tenant.id;
  const { fields } = await deps.loginPrompts.whatToAsk(
    tenantId,
    pending.accountId,
    await applicationIdOf(step, deps),
  );
  const asked = pending.profileSkipped ? fields.filter((f) => f.required) : fields;
  if (step.req.body.action === 'skip' && asked.every((f) => !f.required)) {
    const skipped = { ...pending, profileSkipped: true };
    await remember(step, { pendingLogin: skipped });
    return continueLogin(step, deps, skipped);
  }
  const errors = await deps.loginPrompts.saveProfile(
    tenantId,
    pending.accountId,
    asked,
    submittedProfileValues(step.req.body),
    requestMeta(step),
  );
  if (errors.length > 0) return showProfilePrompt(step, deps, asked, errors);
  return continueLogin(step, deps, pending);
}
