import express, { type Router } from 'express';
import { parseBodies } from '../http/app.js';
import { servePasskeyScript } from '../passkeys/passkey-script.js';
import { submitPolicies, submitProfile } from './after-login.steps.js';
import { type InteractionDeps, withStep } from './interaction-step.js';
import {
  resendVerification,
  showPrompt,
  submitConsent,
  submitIdentifier,
  submitPassword,
} from './login.steps.js';
import {
  acknowledgeEnrollment,
  finishPasskeyOffer,
  sendFactorCode,
  submitEnrollment,
  submitSecondFactor,
  switchMethod,
} from './mfa.steps.js';
import {
  authenticationOptions,
  continueAfterPasskey,
  passkeyEndpoint,
  registrationOptions,
  verifyAuthentication,
  verifyRegistration,
} from './passkey.steps.js';
import { choosePasswordless, showMagicLink, submitCode, submitMagicLink } from './passwordless.steps.js';
import { showForgot, submitForgot, submitResetCode } from './recovery.steps.js';
import { showRegistration, submitRegistration } from './registration.steps.js';

export type { InteractionDeps } from './interaction-step.js';

/**
 * The hosted login (ARCHITECTURE.md "Request flows" → Login), as a visible list of small steps:
 * identifier → password, a passkey, or a passwordless method (email code, SMS code, magic link) → MFA →
 * consent → back to oidc-provider. Registration joins from the identifier page or from `prompt=create`; "Forgot
 * password?" from the password page. Every failure of a credential step shows one generic message.
 */
export function interactionRoutes(deps: InteractionDeps): Router {
  const router = express.Router({ mergeParams: true });
  const prefix = '/t/:tenant/interaction/:uid';
  const get = (path: string, handler: Parameters<typeof withStep>[1]) =>
    router.get(`${prefix}${path}`, withStep(deps, handler));
  const post = (path: string, handler: Parameters<typeof withStep>[1]) =>
    router.post(`${prefix}${path}`, withStep(deps, handler, true));
  const passkeyPost = (path: string, handler: Parameters<typeof passkeyEndpoint>[0]) =>
    router.post(`${prefix}${path}`, withStep(deps, passkeyEndpoint(handler)));
  router.get('/t/:tenant/assets/passkeys.js', servePasskeyScript);
  router.use(prefix, parseBodies());
  get('', showPrompt);
  post('/identifier', submitIdentifier);
  post('/password', submitPassword);
  post('/verify-email', resendVerification);
  post('/passwordless', choosePasswordless);
  post('/code', submitCode);
  get('/magic-link', showMagicLink);
  post('/magic-link', submitMagicLink);
  get('/forgot', async (step) => showForgot(step, deps));
  post('/forgot', submitForgot);
  post('/forgot/code', submitResetCode);
  get('/register', (step) => showRegistration(deps, step));
  post('/register', submitRegistration);
  post('/mfa', submitSecondFactor);
  post('/mfa/method', switchMethod);
  post('/mfa/send', sendFactorCode);
  post('/mfa/enroll', submitEnrollment);
  post('/mfa/enrolled', acknowledgeEnrollment);
  post('/passkey-offer', finishPasskeyOffer);
  // The passkey script's JSON endpoints check the CSRF token themselves (passkey.steps.ts).
  passkeyPost('/passkey/options', authenticationOptions);
  passkeyPost('/passkey', verifyAuthentication);
  passkeyPost('/passkey/register/options', registrationOptions);
  passkeyPost('/passkey/register', verifyRegistration);
  get('/passkey/continue', continueAfterPasskey);
  post('/policies', submitPolicies);
  post('/profile', submitProfile);
  post('/consent', submitConsent);
  return router;
}
