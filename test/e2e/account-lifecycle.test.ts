import { expect } from 'chai';
import * as client from 'openid-client';
import type { JobsRuntime } from '../../server/src/app/jobs-runtime.js';
import { OneTimeToken } from '../../server/src/tokens/one-time-token.entity.js';
import { User } from '../../server/src/users/user.entity.js';
import { needsPostgres } from '../../server/test/support/services.js';
import { type InProcessServer, startInProcessServer } from '../support/in-process-server.js';
import { MailSink, type ReceivedMail } from '../support/mail-sink.js';
import { codeRequest, completeHostedPages, oauthError } from '../support/oidc-flows.js';
import { SmsReceiver } from '../support/sms-receiver.js';
import { type Page, UserAgent } from '../support/user-agent.js';

const REDIRECT = 'http://127.0.0.1:5555/cb';
const SECRET = 's3cret-s3cret-s3cret-s3cret';
const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };
const ALICE_PHONE = '+15555550123';

const KICKSTART = `tenants:
  - slug: life
    name: Lifecycle Inc
    settings:
      passwords: { argon2: { memoryCost: 8192, timeCost: 1, parallelism: 1 } }
      passwordless: { passkeys: false, magicLink: true, emailOtp: true, smsOtp: true }
    applications:
      - { name: Web, type: oidc, clientId: web, clientSecret: "${SECRET}", redirectUris: ["${REDIRECT}"],
          grantTypes: [authorization_code, refresh_token], firstParty: true }
    users:
      - { email: ${ALICE.email}, password: "${ALICE.password}", emailVerified: true,
          profile: { givenName: Alice } }
`;

/**
 * Account lifecycle end to end (issue "Account lifecycle and messaging"): every mail goes through the
 * outbox, the email worker and a real SMTP server, every SMS through the SMS worker to a local HTTP
 * receiver; the test reads each message and follows its link or types its code, as a user would.
 */
describe('account lifecycle: sign-up, verification, recovery, magic link, email and SMS codes', function () {
  this.timeout(120_000);
  let server: InProcessServer;
  let sink: MailSink;
  let sms: SmsReceiver;
  let jobs: JobsRuntime;
  let config: client.Configuration;

  before(async function () {
    needsPostgres(this);
    sink = await MailSink.start();
    sms = await SmsReceiver.start();
    server = await startInProcessServer('postgres', KICKSTART, {
      SMTP_URL: sink.url,
      SMTP_FROM: 'Lifecycle <no-reply@life.example>',
      PORTICO_OUTBOUND_ALLOWED_HOSTS: new URL(sms.url).host,
    });
    const { portico } = server;
    jobs = portico.createJobsRuntime();
    await jobs.startWorkers(portico.jobQueues());
    jobs.startRelay();
    await portico.dataSource.transaction(async (manager) => {
      const tenant = await portico.tenants.getBySlug(manager, 'life');
      await portico.smsProviders.create(manager, tenant.id, {
        name: 'primary',
        kind: 'twilio',
        url: `${sms.url}/twilio`,
        from: '+15555550100',
        accountSid: 'AC0123',
        secret: 'twilio-token',
      });
      await manager.update(
        User,
        { tenantId: tenant.id, email: ALICE.email },
        { phone: ALICE_PHONE, phoneVerified: true },
      );
    });
    config = await server.discover('life', 'web', SECRET);
  });

  after(async () => {
    await jobs?.close();
    await server?.close();
    await sink?.close();
    await sms?.close();
  });

  const mailTo = (to: string, subjectPart?: RegExp) =>
    sink.waitForMail((m) => m.to.includes(to) && (!subjectPart || subjectPart.test(m.subject)), 20_000);
  const linkIn = (mail: ReceivedMail, path: string) => {
    const match = mail.text.match(new RegExp(`${server.publicUrl}/t/life/${path}[^\\s)>\\]]*`));
    expect(match, `a ${path} link in:\n${mail.text}`).to.not.equal(null);
    return match![0];
  };
  const codeIn = (text: string) => {
    const match = text.match(/\b[0-9]{6}\b/);
    expect(match, `a code in:\n${text}`).to.not.equal(null);
    return match![0];
  };

  /** Opens a fresh authorization request and gets to the password step for `email`. */
  async function passwordStep(agent: UserAgent, email: string) {
    const request = await codeRequest(config, REDIRECT);
    const first = await agent.navigate(request.url);
    const page = await agent.submit(first.form('/identifier'), { values: { identifier: email } });
    expect(page.hasForm('/password'), page.describe()).to.equal(true);
    return { request, page };
  }

  async function exchange(request: Awaited<ReturnType<typeof codeRequest>>, callback: Page) {
    expect(callback.isRedirect, callback.describe()).to.equal(true);
    return client.authorizationCodeGrant(config, callback.location!, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
  }

  it('sign-up mails a verification link; its page confirms only with a POST, once', async () => {
    const agent = new UserAgent();
    const request = await codeRequest(config, REDIRECT);
    const identifier = await agent.navigate(request.url);
    const registerHref = identifier.body.match(/href="([^"]*\/register)"/)![1]!;
    const form = (await agent.navigate(new URL(registerHref, identifier.url))).form('/register');
    const sent = await agent.submit(form, {
      values: { email: 'newcomer@example.com', password: 'violet harbour lamps drift slowly' },
    });
    expect(sent.status).to.equal(200);
    expect(sent.title()).to.match(/inbox/i);

    const mail = await mailTo('newcomer@example.com');
    expect(mail.from).to.contain('no-reply@life.example');
    const link = linkIn(mail, 'verify-email');
    const scanner = await new UserAgent().navigate(link); // a mail scanner fetching the link
    expect(scanner.status).to.equal(200);
    const page = await agent.navigate(link);
    expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
    const done = await agent.submit(page.form('/verify-email'));
    expect(done.status, done.describe()).to.equal(200);
    const user = await server.portico.dataSource.manager.findOneByOrFail(User, {
      email: 'newcomer@example.com',
    });
    expect(user.emailVerified).to.equal(true);
    const again = await agent.submit(page.form('/verify-email'));
    expect(again.status).to.equal(400);
  });

  it('signing up with a taken address shows the same page and mails the owner instead', async () => {
    const agent = new UserAgent();
    const request = await codeRequest(config, REDIRECT);
    const base = (await agent.navigate(request.url)).url.pathname;
    const form = (await agent.navigate(new URL(`${base}/register`, server.publicUrl))).form('/register');
    const sent = await agent.submit(form, {
      values: { email: ALICE.email, password: 'an entirely different passphrase' },
    });
    expect(sent.status).to.equal(200);
    expect(sent.title()).to.match(/inbox/i);
    const mail = await mailTo(ALICE.email, /account|sign|konto/i);
    expect(mail.text).to.not.contain('an entirely different passphrase');
  });

  it('a common password is refused with a clear message; a 64-character passphrase is accepted', async () => {
    const agent = new UserAgent();
    const request = await codeRequest(config, REDIRECT);
    const base = (await agent.navigate(request.url)).url.pathname;
    const form = (await agent.navigate(new URL(`${base}/register`, server.publicUrl))).form('/register');
    const refused = await agent.submit(form, {
      values: { email: 'common@example.com', password: 'passwordpassword' },
    });
    expect(refused.status).to.equal(400);
    expect(refused.alertText()).to.equal('This password is too common. Choose a different one.');
    const passphrase = 'violet harbour lamps drift slowly over the granite quay at dusk!';
    expect([...passphrase]).to.have.length(64);
    const accepted = await agent.submit(refused.form('/register'), {
      values: { email: 'common@example.com', password: passphrase },
    });
    expect(accepted.status, accepted.describe()).to.equal(200);
    await mailTo('common@example.com');
  });

  it('forgot password → mailed link → new password: sessions and tokens revoked, no sign-in, old link dead', async () => {
    const browser = new UserAgent();
    const login = await passwordStep(browser, ALICE.email);
    const callback = await completeHostedPages(browser, login.page, ALICE);
    const tokens = await exchange(login.request, callback);
    await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);

    const other = new UserAgent();
    const { page } = await passwordStep(other, ALICE.email);
    const forgotHref = page.body.match(/href="([^"]*\/forgot)"/)![1]!;
    const forgot = await other.navigate(new URL(forgotHref, page.url));
    const sent = await other.submit(forgot.form('/forgot'), { button: { name: 'method', value: 'email' } });
    expect(sent.status).to.equal(200);
    const mail = await mailTo(ALICE.email, /password|passwort/i);
    const link = linkIn(mail, 'reset-password');
    const resetPage = await other.navigate(link);
    expect(resetPage.headers.get('referrer-policy')).to.equal('no-referrer');
    const weak = await other.submit(resetPage.form('/reset-password'), {
      values: { password: 'passwordpassword' },
    });
    expect(weak.alertText()).to.match(/too common/);
    const newPassword = 'a brand new and long passphrase';
    const done = await other.submit(weak.form('/reset-password'), { values: { password: newPassword } });
    expect(done.status, done.describe()).to.equal(200);
    expect(done.isRedirect).to.equal(false);
    expect(done.title()).to.match(/password changed/i);

    const revoked = await oauthError(client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub));
    expect(revoked.error).to.equal('invalid_token');
    const reuse = await other.navigate(link);
    expect(reuse.status).to.equal(400);
    const notice = await mailTo(ALICE.email, /changed|geändert/i);
    expect(notice.text).to.not.contain(newPassword);

    const oldAgent = new UserAgent();
    const oldPassword = await passwordStep(oldAgent, ALICE.email);
    const wrong = await oldAgent.submit(oldPassword.page.form('/password'), {
      values: { password: ALICE.password },
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.alertText()).to.match(/incorrect/);
    ALICE.password = newPassword;
    const fresh = new UserAgent();
    const again = await passwordStep(fresh, ALICE.email);
    await exchange(again.request, await completeHostedPages(fresh, again.page, ALICE));
  });

  it('a magic link signs in once, in the browser that asked for it, and not after it expired', async () => {
    const agent = new UserAgent();
    const { request, page } = await passwordStep(agent, ALICE.email);
    const sent = await agent.submit(page.form('/passwordless'), {
      button: { name: 'method', value: 'magic_link' },
    });
    expect(sent.title()).to.match(/inbox/i);
    const link = linkIn(await mailTo(ALICE.email, /sign|link/i), 'interaction/');
    const confirm = await agent.navigate(link);
    const callback = await agent.submit(confirm.form('/magic-link'));
    const tokens = await exchange(request, callback);
    expect(tokens.claims()!.amr).to.deep.equal(['otp']);
    const reused = await agent.submit(confirm.form('/magic-link'));
    expect(reused.status).to.equal(400);

    sink.clear();
    const later = new UserAgent(); // signed in already, `agent` would not see the login pages again
    const second = await passwordStep(later, ALICE.email);
    await later.submit(second.page.form('/passwordless'), {
      button: { name: 'method', value: 'magic_link' },
    });
    const stale = linkIn(
      await mailTo(ALICE.email, /sign|link/i),
      `interaction/${second.page.url.pathname.split('/')[4]}`,
    );
    await server.portico.dataSource.manager.query(
      `UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'magic_link' AND consumed_at IS NULL`,
    );
    const expired = await later.submit((await later.navigate(stale)).form('/magic-link'));
    expect(expired.status).to.equal(400);
  });

  it('an email code signs in: a wrong code gets the generic alert, the right one works once', async () => {
    sink.clear();
    const agent = new UserAgent();
    const { request, page } = await passwordStep(agent, ALICE.email);
    const codePage = await agent.submit(page.form('/passwordless'), {
      button: { name: 'method', value: 'email_otp' },
    });
    const input = codePage.body.match(/<input[^>]*name="code"[^>]*>/)![0];
    expect(input).to.contain('autocomplete="one-time-code"');
    const code = codeIn((await mailTo(ALICE.email, /code/i)).text);
    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await agent.submit(codePage.form('/code'), { values: { code: wrongCode } });
    expect(wrong.status).to.equal(400);
    expect(wrong.alertText()).to.equal('This code is incorrect or has expired.');
    const callback = await agent.submit(wrong.form('/code'), { values: { code } });
    const tokens = await exchange(request, callback);
    expect(tokens.claims()!.amr).to.deep.equal(['otp']);
  });

  it('an SMS code signs in through the SMS worker and the provider API', async () => {
    const agent = new UserAgent();
    const { request, page } = await passwordStep(agent, ALICE.email);
    const codePage = await agent.submit(page.form('/passwordless'), {
      button: { name: 'method', value: 'sms_otp' },
    });
    const message = await sms.waitForSms((s) => s.to === ALICE_PHONE, 20_000);
    expect(message.api).to.equal('twilio');
    const callback = await agent.submit(codePage.form('/code'), { values: { code: codeIn(message.body) } });
    const tokens = await exchange(request, callback);
    expect(tokens.claims()!.amr).to.deep.equal(['sms']);
  });

  it('recovery through the verified phone: SMS code, then a new password', async () => {
    const before = sms.messages.length;
    const agent = new UserAgent();
    const { page } = await passwordStep(agent, ALICE.email);
    const forgot = await agent.navigate(new URL(page.body.match(/href="([^"]*\/forgot)"/)![1]!, page.url));
    const codePage = await agent.submit(forgot.form('/forgot'), { button: { name: 'method', value: 'sms' } });
    const message = await sms.waitForSms(
      (s) => s.to === ALICE_PHONE && sms.messages.indexOf(s) >= before,
      20_000,
    );
    const reset = await agent.submit(codePage.form('/forgot/code'), {
      values: { code: codeIn(message.body) },
    });
    expect(reset.hasForm('/reset-password'), reset.describe()).to.equal(true);
    const done = await agent.submit(reset.form('/reset-password'), {
      values: { password: 'phone recovered passphrase' },
    });
    expect(done.title()).to.match(/password changed/i);
    const tokens = await server.portico.dataSource.manager.countBy(OneTimeToken, {
      purpose: 'password_reset',
    });
    expect(tokens).to.be.greaterThan(0);
  });
});
