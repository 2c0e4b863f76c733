import type { ConsentState } from '../consent/consent.service.js';
import { policyTitle } from '../consent/consent.service.js';
import { t } from '../i18n/translate.js';
import { postForm, submitButton } from '../interactions/views/components.js';
import { type HtmlValue, html, isSafeUrl } from '../interactions/views/html.js';
import { isAppError } from '../shared/errors.js';
import { type AccountContext, type AccountDeps, baseModel, send } from './account-context.js';
import type { AccountPageContext } from './views/account-layout.js';
import { consentsPage } from './views/section-pages.js';

/**
 * The "Consents" section (issue 5 §5–6): each current policy with the user's latest decision, and a
 * form to withdraw a granted one or grant one not (or no longer) granted. Each is a receipt with source
 * `account`; a withdrawn required policy is asked again at the next sign-in.
 */
export async function showConsents(ctx: AccountContext, deps: AccountDeps, notice?: string) {
  const states = await deps.consent.stateFor(deps.dataSource.manager, ctx.tenant.id, ctx.user.id);
  const model = { ...baseModel(ctx, deps), notice };
  send(ctx, consentsPage({ ...model, content: consentList(model, states) }));
}

export async function decideConsent(ctx: AccountContext, deps: AccountDeps) {
  const key = typeof ctx.req.body?.policy === 'string' ? ctx.req.body.policy : '';
  const decision = ctx.req.body?.decision === 'grant' ? 'grant' : 'withdraw';
  const context = {
    tenantId: ctx.tenant.id,
    userId: ctx.user.id,
    source: 'account' as const,
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent,
  };
  try {
    await deps.dataSource.transaction((manager) =>
      decision === 'grant'
        ? deps.consent.grant(manager, key, context)
        : deps.consent.withdraw(manager, key, context),
    );
  } catch (error) {
    if (!isAppError(error) || error.status !== 404) throw error;
  }
  const locale = ctx.page.context.locale;
  await showConsents(
    ctx,
    deps,
    t(locale, decision === 'grant' ? 'account.consents.granted' : 'account.consents.withdrawn'),
  );
}

function consentList(model: AccountPageContext, states: readonly ConsentState[]): HtmlValue {
  const { locale } = model;
  if (states.length === 0) return html`<p>${t(locale, 'account.consents.none')}</p>`;
  const items = states.map((state) => {
    const granted = state.decision === 'granted' && state.decidedVersion === state.policy.version;
    const title = policyTitle(state.policy, locale);
    const url = state.policy.url && isSafeUrl(state.policy.url) ? state.policy.url : undefined;
    const status = granted
      ? t(locale, 'account.consents.statusGranted', { version: String(state.policy.version) })
      : state.decision === 'withdrawn'
        ? t(locale, 'account.consents.statusWithdrawn')
        : t(locale, 'account.consents.statusOpen');
    const form = postForm({
      action: `${model.basePath}/consents`,
      csrfToken: model.csrfToken,
      hiddenFields: { policy: state.policy.key, decision: granted ? 'withdraw' : 'grant' },
      content: submitButton({
        label: t(locale, granted ? 'account.consents.withdraw' : 'account.consents.grant'),
        variant: 'secondary',
      }),
    });
    return html`<li><p><strong>${url ? html`<a href="${url}">${title}</a>` : title}</strong>${state.policy.required ? html` ${t(locale, 'common.required')}` : false}<br><span class="portico-meta">${status}</span></p>${form}</li>`;
  });
  return html`<p>${t(locale, 'account.consents.intro')}</p><ul class="portico-consents">${items}</ul>`;
}
