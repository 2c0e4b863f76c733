import { expect } from 'chai';
import * as client from 'openid-client';
import { AccountCookies, nowSeconds, sessionName } from '../../server/src/account/account-cookies.js';
import { Tenant } from '../../server/src/tenants/tenant.entity.js';
import { User } from '../../server/src/users/user.entity.js';
import { needsPostgres } from '../../server/test/support/services.js';
import { openAccountPage, outboxMessages } from '../support/account-pages.js';
import { type InProcessServer, startInProcessServer } from '../support/in-process-server.js';
import { authorize, codeRequest, oauthError } from '../support/oidc-flows.js';
import { UserAgent } from '../support/user-agent.js';

const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };
const BOB = { email: 'bob@example.com', password: 'bobs very own long passphrase' };
const DORA = { email: 'dora@example.com', password: 'doras very own long passphrase' };
const OLIVIA = { email: 'olivia@example.org', password: "olivia's long and secret passphrase" };
const REDIRECT = 'http://127.0.0.1:5555/cb';
const SECRET = 's3cret-s3cret-s3cret-s3cret';

const KICKSTART = `tenants:
  - slug: acme
    name: Acme Inc
    applications:
      - { name: Web, type: oidc, clientId: web, clientSecret: "${SECRET}", redirectUris: ["${REDIRECT}"],
          grantTypes: [authorization_code, refresh_token], firstParty: true }
    users:
      - { email: ${ALICE.email}, password: "${ALICE.password}", emailVerified: true, profile: { givenName: Alice } }
      - { email: ${BOB.email}, password: "${BOB.password}", emailVerified: true }
      - { email: ${DORA.email}, password: "${DORA.password}", emailVerified: true }
  - slug: other
    name: Other Corp
    users:
      - { email: ${OLIVIA.email}, password: "${OLIVIA.password}" }
`;

/**
 * The self-service account pages (ARCHITECTURE.md "Hosted pages" → account pages; SECURITY.md items 6,
 * 8–11) over HTTP against the real server on PostgreSQL: sign-in through the tenant's own OIDC, profile,
 * email and password changes, sessions, the data export, re-authentication, CSRF and tenant isolation.
 */
describe('account pages /t/T/account', function () {
  this.timeout(90_000);
  let server: InProcessServer;
  let acme: Tenant;
  const account = (path = '') => `${server.publicUrl}/t/acme/account${path}`;
  const accountCookie = (agent: UserAgent, slug = 'acme') =>
    agent.jar.all().find((c) => c.name === `portico_account_${slug}`);
  const userOf = (email: string) => server.portico.dataSource.manager.findOneByOrFail(User, { email });
  const liveSessions = async (userId: string) =>
    Number(
      (
        await server.portico.dataSource.query(
          `SELECT count(*) AS n FROM oidc_models WHERE model = 'Session' AND account_id = $1`,
          [userId],
        )
      )[0].n,
    );

  before(async function () {
    needsPostgres(this);
    server = await startInProcessServer('postgres', KICKSTART);
    acme = await server.portico.dataSource.manager.findOneByOrFail(Tenant, { slug: 'acme' });
  });
  after(async () => server?.close());

  it('signs in through the tenant’s own OIDC and keeps a per-tenant, HttpOnly, SameSite=Lax cookie', async () => {
    const agent = new UserAgent();
    const page = await openAccountPage(agent, account(), ALICE);
    expect(page.status, page.describe()).to.equal(200);
    expect(page.url.pathname).to.equal('/t/acme/account/profile');
    expect(page.lang()).to.equal('en');
    expect(page.title()).to.match(/^Profile/);
    expect(page.headers.get('content-security-policy')).to.match(/script-src 'nonce-/);
    const cookie = accountCookie(agent)!;
    expect(cookie).to.include({ path: '/t/acme/account', httpOnly: true, sameSite: 'lax', secure: false });
    // The callback consumed the code: replaying it is refused.
    const callback = agent.history.find((p) => p.url.pathname.endsWith('/account/callback'))!;
    const replay = await agent.request(callback.url);
    expect(replay.status).to.equal(400);
    expect(replay.alertText()).to.be.a('string');
  });

  it('edits the profile, with an audit event', async () => {
    const agent = new UserAgent();
    const page = await openAccountPage(agent, account('/profile'), ALICE);
    const saved = await agent.submit(page.form('/account/profile'), {
      values: { givenName: 'Alicia', familyName: 'Example', nickname: 'Ali' },
    });
    expect(saved.status).to.equal(200);
    expect(saved.body).to.include('Your changes have been saved.');
    const alice = await userOf(ALICE.email);
    expect(alice.profile).to.include({ givenName: 'Alicia', familyName: 'Example', nickname: 'Ali' });
    const events = await server.portico.dataSource.query(
      `SELECT actor_id FROM audit_events WHERE action = 'user.profile_updated' AND target_id = $1`,
      [alice.id],
    );
    expect(events).to.deep.equal([{ actor_id: alice.id }]);
  });

  it('refuses a POST without the CSRF token of the session', async () => {
    const agent = new UserAgent();
    const page = await openAccountPage(agent, account('/profile'), ALICE);
    const forged = await agent.submit(page.form('/account/profile'), {
      values: { _csrf: 'forged', givenName: 'Mallory' },
    });
    expect(forged.status).to.equal(403);
    expect((await userOf(ALICE.email)).profile.givenName).to.not.equal('Mallory');
  });

  it('changes the email only after the new address confirms, and tells the old one', async () => {
    const agent = new UserAgent();
    const page = await openAccountPage(agent, account('/profile'), DORA);
    const sent = await agent.submit(page.form('/account/email'), {
      values: { email: 'dora.new@example.com' },
    });
    expect(sent.body).to.include('Check your new inbox');
    expect((await userOf(DORA.email)).email).to.equal(DORA.email);
    const [mail] = await outboxMessages(server.portico, 'email_change_verification', 'dora.new@example.com');
    expect(mail?.variables.link).to.match(/\/t\/acme\/verify-email\?.*change=1/);
    const confirm = await agent.navigate(mail!.variables.link!);
    const done = await agent.submit(confirm.form('/verify-email'));
    expect(done.status, done.describe()).to.equal(200);
    const dora = await server.portico.dataSource.manager.findOneByOrFail(User, {
      id: (await userOf('dora.new@example.com')).id,
    });
    expect(dora).to.include({ email: 'dora.new@example.com', emailVerified: true });
    expect(await outboxMessages(server.portico, 'email_changed_notice', DORA.email)).to.have.length(1);
  });

  it('changes the password: the current one is required, the new one screened; other sessions end', async () => {
    const bob = await userOf(BOB.email);
    const web = await server.discover('acme', 'web', SECRET);
    const elsewhere = new UserAgent();
    const request = await codeRequest(web, REDIRECT, { scope: 'openid offline_access', prompt: 'consent' });
    const tokens = await client.authorizationCodeGrant(web, await authorize(elsewhere, request.url, BOB), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    const agent = new UserAgent();
    const security = await openAccountPage(agent, account('/security'), BOB);
    expect(await liveSessions(bob.id)).to.equal(2);

    const wrong = await agent.submit(security.form('/account/password'), {
      values: { currentPassword: 'not my password at all', newPassword: 'a brand new passphrase for bob' },
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.alertText()).to.equal('The password is incorrect.');
    const [lockout] = await server.portico.dataSource.query(
      'SELECT consecutive_failures FROM lockouts WHERE user_id = $1',
      [bob.id],
    );
    expect(lockout.consecutive_failures, 'a wrong current password counts toward the lockout').to.equal(1);

    const weak = await agent.submit(wrong.form('/account/password'), {
      values: { currentPassword: BOB.password, newPassword: '1234567890123456' },
    });
    expect(weak.alertText()).to.equal('This password is too common. Choose a different one.');

    const changed = await agent.submit(weak.form('/account/password'), {
      values: { currentPassword: BOB.password, newPassword: 'a brand new passphrase for bob' },
    });
    expect(changed.status).to.equal(200);
    expect(changed.body).to.include('Your password has been changed.');
    expect(await liveSessions(bob.id), 'only this session is left').to.equal(1);
    expect((await oauthError(client.refreshTokenGrant(web, tokens.refresh_token!))).error).to.equal(
      'invalid_grant',
    );
    expect((await agent.navigate(account('/security'))).status, 'this session stays').to.equal(200);
    expect(await outboxMessages(server.portico, 'password_changed_notice', BOB.email)).to.have.length(1);
    const audit = await server.portico.dataSource.query(
      `SELECT 1 FROM audit_events WHERE action = 'password.changed' AND target_id = $1`,
      [bob.id],
    );
    expect(audit).to.have.length(1);
    const withNew = await openAccountPage(new UserAgent(), account(), {
      ...BOB,
      password: 'a brand new passphrase for bob',
    });
    expect(withNew.url.pathname).to.equal('/t/acme/account/profile');
    const withOld = await openAccountPage(new UserAgent(), account(), BOB);
    expect(withOld.alertText()).to.equal('The email, username or password is incorrect.');
  });

  it('lists sessions with this device marked, signs out others, and one session at a time', async () => {
    const here = new UserAgent({ userAgent: 'ThisDevice/1.0' });
    const there = new UserAgent({ userAgent: 'OtherDevice/2.0' });
    const third = new UserAgent({ userAgent: 'ThirdDevice/3.0' });
    await openAccountPage(there, account(), ALICE);
    await openAccountPage(third, account(), ALICE);
    const page = await openAccountPage(here, account('/sessions'), ALICE);
    expect(page.body).to.include('OtherDevice/2.0').and.include('ThirdDevice/3.0');
    expect(page.body).to.match(
      /aria-current="true">\s*<p><strong>ThisDevice\/1\.0<\/strong> <span class="portico-badge">This device/,
    );
    const revokeForms = page.forms.filter((f) => f.action.pathname.endsWith('/sessions/revoke'));
    const thirdForm = revokeForms.find(
      (f) =>
        page.body.indexOf(f.fields.find(([n]) => n === 'session')![1]) > page.body.indexOf('ThirdDevice'),
    )!;
    const afterOne = await here.submit(thirdForm);
    expect(afterOne.body).to.not.include('ThirdDevice/3.0');
    expect((await third.request(account('/profile'))).location?.pathname).to.equal('/t/acme/auth');
    const afterOthers = await here.submit(afterOne.form('/sessions/revoke-others'));
    expect(afterOthers.body)
      .to.include('Your other sessions have been signed out.')
      .and.not.include('OtherDevice');
    const thereNow = await there.request(account('/profile'));
    expect(thereNow.status).to.equal(303);
    expect(thereNow.location?.pathname, 'signed out elsewhere').to.equal('/t/acme/auth');
    expect((await here.navigate(account('/profile'))).status).to.equal(200);
  });

  it('exports everything stored about the user as a JSON download, and nothing of anyone else', async () => {
    const agent = new UserAgent();
    const page = await openAccountPage(agent, account('/data'), ALICE);
    const download = await agent.submit(page.form('/data/export'));
    expect(download.status).to.equal(200);
    expect(download.headers.get('content-disposition')).to.match(
      /^attachment; filename="account-data-acme\.json"/,
    );
    const data = JSON.parse(download.body);
    const alice = await userOf(ALICE.email);
    const bob = await userOf(BOB.email);
    expect(data.user).to.include({ id: alice.id, email: ALICE.email, emailVerified: true });
    expect(data.user.profile).to.include({ givenName: 'Alicia' });
    expect(data.credentials).to.have.length(1);
    expect(data.credentials[0]).to.have.keys(['id', 'type', 'name', 'createdAt', 'updatedAt', 'lastUsedAt']);
    expect(data.sessions.length).to.be.greaterThan(0);
    expect(data.loginAttempts.length).to.be.greaterThan(0);
    expect(data.auditEvents.map((e: { action: string }) => e.action)).to.include.members([
      'user.profile_updated',
      'user.data_exported',
    ]);
    for (const section of ['memberships', 'identities', 'consentReceipts', 'roles'])
      expect(data[section]).to.be.an('array');
    expect(download.body).to.not.include(bob.id).and.not.include(BOB.email).and.not.include('$argon2');
  });

  it('asks for a fresh sign-in before an email change when the last one is over 5 minutes old', async () => {
    const agent = new UserAgent();
    const profile = await openAccountPage(agent, account('/profile'), ALICE);
    const cookies = new AccountCookies(server.portico.keyRing, false);
    const cookie = accountCookie(agent)!;
    const session = cookies.openSession(acme, cookie.value)!;
    const aged = cookies.seal(acme, { ...session, authTime: nowSeconds() - 301 });
    agent.jar.store(new URL(account()), [`${sessionName(acme)}=${aged}; Path=/t/acme/account; HttpOnly`]);
    const asked = await agent.request(profile.form('/account/email').action, {
      method: 'POST',
      body: new URLSearchParams({
        _csrf: profile.form('/account/email').fields[0]![1],
        email: 'alice.new@example.com',
      }),
    });
    expect(asked.status).to.equal(303);
    const authorization = asked.location!;
    expect(authorization.pathname).to.equal('/t/acme/auth');
    expect(authorization.searchParams.get('prompt')).to.equal('login');
    // The tenant session is live, yet the login form is shown again; afterwards the user is back on Profile.
    const login = await agent.navigate(authorization);
    expect(login.hasForm('/identifier')).to.equal(true);
    const back = await openAccountPage(agent, authorization.href, ALICE);
    expect(back.url.pathname).to.equal('/t/acme/account/profile');
    const fresh = cookies.openSession(acme, accountCookie(agent)!.value)!;
    expect(fresh.authTime).to.be.greaterThan(session.authTime - 1);
    expect(nowSeconds() - fresh.authTime).to.be.lessThan(60);
  });

  it("tenant A's account cookie opens nothing on tenant B", async () => {
    const agent = new UserAgent();
    await openAccountPage(agent, account(), ALICE);
    const value = accountCookie(agent)!.value;
    agent.jar.store(new URL(`${server.publicUrl}/t/other/account`), [
      `portico_account_other=${value}; Path=/t/other/account; HttpOnly`,
    ]);
    const page = await agent.request(`${server.publicUrl}/t/other/account/profile`);
    expect(page.status).to.equal(303);
    expect(page.location?.pathname).to.equal('/t/other/auth');
  });

  it('ends account access when the tenant session ends: sign-out here, or an administrator revoking', async () => {
    const agent = new UserAgent();
    const page = await openAccountPage(agent, account('/profile'), ALICE);
    const signedOut = await agent.submit(page.form('/account/sign-out'));
    expect(signedOut.body).to.include('You have signed out of your account.');
    const again = await agent.navigate(account('/profile'));
    expect(again.hasForm('/identifier'), 'the tenant session is gone too').to.equal(true);

    const other = new UserAgent();
    await openAccountPage(other, account(), ALICE);
    await server.portico.userSessions.revokeAll(acme, (await userOf(ALICE.email)).id);
    const after = await other.request(account('/profile'));
    expect(after.location?.pathname).to.equal('/t/acme/auth');
  });
});
