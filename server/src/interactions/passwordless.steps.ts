import type { PasswordlessMethod } from '../credentials/passwordless-login.service.js';
import { completeAuthentication } from './after-login.steps.js';
import {
  type InteractionDeps,
  interactionIdentifier,
  remember,
  render,
  renderError,
  requestMeta,
  type Step,
} from './interaction-step.js';
import { showPrompt } from './login.steps.js';
import { codePage, confirmLinkPage, linkSentPage } from './views/index.js';

const METHODS: readonly PasswordlessMethod[] = ['email_otp', 'sms_otp', 'magic_link'];

/** The passwordless buttons the password page offers: those the tenant enables. */
export function passwordlessChoices(step: Step, deps: InteractionDeps): PasswordlessMethod[] {
  return METHODS.filter((method) => deps.passwordless.enabled(step.entry.tenant, method));
}

/** POST of one of the "Or sign in without your password" buttons: sends, then shows the same page always. */
export async function choosePasswordless(step: Step, deps: InteractionDeps): Promise<void> {
  const identifier = interactionIdentifier(step);
  const method = METHODS.find((candidate) => candidate === step.req.body.method);
  if (identifier === '' || !method || !deps.passwordless.enabled(step.entry.tenant, method))
    return showPrompt(step, deps);
  const request = {
    tenant: step.entry.tenant,
    identifier,
    flowId: step.details.uid,
    locale: step.locale,
    ip: requestMeta(step).ip,
  };
  if (method === 'magic_link') {
    await deps.passwordless.sendMagicLink(request);
    return render(step, deps, (ctx) => linkSentPage({ ...ctx, backHref: step.base }));
  }
  if (method === 'email_otp') await deps.passwordless.sendEmailCode(request);
  else await deps.passwordless.sendSmsCode(request);
  await remember(step, { codeMethod: method });
  return showCode(step, deps, method);
}

function showCode(step: Step, deps: InteractionDeps, method: 'email_otp' | 'sms_otp', invalid = false) {
  return render(
    step,
    deps,
    (ctx) =>
      codePage({
        ...ctx,
        action: `${step.base}/code`,
        channel: method === 'sms_otp' ? 'sms' : 'email',
        backHref: step.base,
        error: invalid ? 'error.codeInvalid' : undefined,
      }),
    invalid ? 400 : 200,
  );
}

/** The code typed on the code page: a wrong one re-renders the page with one generic message. */
export async function submitCode(step: Step, deps: InteractionDeps): Promise<void> {
  const identifier = interactionIdentifier(step);
  const method = step.details.result?.codeMethod;
  if (identifier === '' || (method !== 'email_otp' && method !== 'sms_otp')) return showPrompt(step, deps);
  const result = await deps.passwordless.checkCode(method, {
    tenant: step.entry.tenant,
    identifier,
    flowId: step.details.uid,
    code: String(step.req.body.code ?? ''),
    ...requestMeta(step),
  });
  if (!result.ok) return showCode(step, deps, method, true);
  return completeAuthentication(step, deps, result.user.id, {
    method: result.method,
    at: Math.floor(Date.now() / 1000),
  });
}

/** GET of the mailed magic link: a page with one button, so link scanners spend nothing. */
export async function showMagicLink(step: Step, deps: InteractionDeps): Promise<void> {
  const token = typeof step.req.query.token === 'string' ? step.req.query.token : '';
  step.res.set('Referrer-Policy', 'no-referrer');
  return render(step, deps, (ctx) =>
    confirmLinkPage({ ...ctx, action: `${step.base}/magic-link`, token, purpose: 'magicLink' }),
  );
}

export async function submitMagicLink(step: Step, deps: InteractionDeps): Promise<void> {
  const result = await deps.passwordless.consumeMagicLink({
    tenant: step.entry.tenant,
    flowId: step.details.uid,
    token: String(step.req.body.token ?? ''),
    ...requestMeta(step),
  });
  if (!result.ok) return renderError(step.entry, step.req, step.res, 'error.linkInvalid', 400);
  return completeAuthentication(step, deps, result.user.id, {
    method: result.method,
    at: Math.floor(Date.now() / 1000),
  });
}
