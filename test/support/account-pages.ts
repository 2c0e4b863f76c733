import type { Portico } from '../../server/src/app/portico.js';
import type { MessagePayload } from '../../server/src/messaging/messaging.service.js';
import type { User } from './oidc-flows.js';
import type { Page, UserAgent } from './user-agent.js';

/**
 * Drives the account pages (`/t/T/account`) without a browser: opening a page that needs a sign-in walks
 * the tenant's hosted login (identifier → password), then the callback brings the agent back.
 */
export async function openAccountPage(agent: UserAgent, url: string, user: User): Promise<Page> {
  let page = await agent.navigate(url);
  for (let step = 0; step < 6 && page.url.pathname.includes('/interaction/'); step += 1) {
    if (page.hasForm('/identifier')) {
      page = await agent.submit(page.form('/identifier'), { values: { identifier: user.email } });
    } else if (page.hasForm('/password')) {
      // Only the login's password step: the interaction pages have no other form ending in /password.
      page = await agent.submit(page.form('/password'), { values: { password: user.password } });
    } else if (page.hasForm('/passkey-offer')) {
      page = await agent.submit(page.form('/passkey-offer'), { button: { name: 'action', value: 'skip' } });
    } else {
      break;
    }
  }
  return page;
}

/** The outbox rows of one kind to one address, newest first, with their variables decrypted. */
export async function outboxMessages(portico: Portico, kind: string, to: string) {
  const rows: { payload: MessagePayload }[] = await portico.dataSource.query(
    `SELECT payload FROM outbox WHERE name = $1 AND payload->>'to' = $2 ORDER BY created_at DESC`,
    [kind, to],
  );
  return rows.map((row) => ({ ...row.payload, variables: portico.messaging.openVariables(row.payload) }));
}
