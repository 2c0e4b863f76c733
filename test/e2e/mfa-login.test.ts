import { expect } from 'chai';
import * as client from 'openid-client';
import { generateSync } from 'otplib';
import type { JobsRuntime } from '../../server/src/app/jobs-runtime.js';
import { AuditEvent } from '../../server/src/audit/audit-event.entity.js';
import type { Tenant } from '../../server/src/tenants/tenant.entity.js';
import { User } from '../../server/src/users/user.entity.js';
import { needsPostgres } from '../../server/test/support/services.js';
import { type InProcessServer, startInProcessServer } from '../support/in-process-server.js';
import { MailSink } from '../support/mail-sink.js';
import { type CodeRequest, codeRequest } from '../support/oidc-flows.js';
import { type Page, UserAgent } from '../support/user-agent.js';

const REDIRECT = 'http://127.0.0.1:5555/cb';
const SECRET = 's3cret-s3cret-s3cret-s3cret';
const PASSWORD = 'correct horse battery staple';
const FAST = '{ argon2: { memoryCost: 8192, timeCost: 1, parallelism: 1 } }';
const app = `{ name: Web, type: oidc, clientId: web, clientSecret: "${SECRET}", redirectUris: ["${REDIRECT}"],
          grantTypes: [authorization_code], firstParty: true }`;
const user = (email: string) => `{ email: ${email}, password: "${PASSWORD}", emailVerified: true }`;

const KICKSTART = `tenants:
  - slug: optional
    name: Optional MFA
    settings: { passwords: ${FAST}, mfa: { policy: optional }, passwordless: { passkeys: false } }
    applications: [${app}]
    users: [${user('totp@example.com')}, ${user('risky@example.com')}, ${user('twice@example.com')}]
  - slug: off
    name: MFA off
    settings: { passwords: ${FAST}, mfa: { policy: "off" }, passwordless: { passkeys: false } }
    applications: [${app}]
    users: [${user('stepup@example.com')}]
  - slug: required
    name: MFA required
    settings: { passwords: ${FAST}, mfa: { policy: required }, passwordless: { emailOtp: true, passkeys: false } }
    applications: [${app}]
    users: [${user('strict@example.com')}, { email: newbie@example.com, password: "${PASSWORD}" }]
`;

/**
 * MFA and step-up through the hosted pages (issue 6): the second factor is asked by policy, by
 * `acr_values` on an existing session, by risk; passwordless logins meet the same policy; `amr` and
 * `acr` of the ID token say what was done (ARCHITECTURE.md "Hosted pages").
 */
describe('MFA and step-up in the hosted login', function () {
  this.timeout(90_000);
  let server: InProcessServer;
  let sink: MailSink;
  let jobs: JobsRuntime;
  const secrets: Record<string, string> = {};

  before(async function () {
    needsPostgres(this);
    sink = await MailSink.start();
    server = await startInProcessServer('postgres', KICKSTART, { SMTP_URL: sink.url });
    const { portico } = server;
    jobs = portico.createJobsRuntime();
    await jobs.startWorkers(portico.jobQueues());
    jobs.startRelay();
    for (const [slug, email] of [
      ['optional', 'totp@example.com'],
      ['off', 'stepup@example.com'],
      ['required', 'strict@example.com'],
    ] as const) {
      const tenant = await portico.tenants.getBySlug(portico.dataSource.manager, slug);
      const account = await portico.dataSource.manager.findOneByOrFail(User, { tenantId: tenant.id, email });
      const enrollment = await portico.mfa.totp.beginEnrollment(tenant, account);
      const code = generateSync({ secret: enrollment.secret, epoch: Math.floor(Date.now() / 1000) - 30 });
      await portico.mfa.totp.confirmEnrollment(tenant, account, code, { type: 'user', id: account.id });
      secrets[email] = enrollment.secret;
    }
  });
  after(async () => {
    await jobs?.close();
    await server?.close();
    await sink?.close();
  });

  const totpNow = (email: string, offsetSteps = 0) =>
    generateSync({ secret: secrets[email]!, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

  async function start(agent: UserAgent, slug: string, extra: Record<string, string> = {}) {
    const config = await server.discover(slug, 'web', SECRET);
    const request = await codeRequest(config, REDIRECT, extra);
    return { config, request, page: await agent.navigate(request.url) };
  }

  async function password(agent: UserAgent, page: Page, email: string, secret = PASSWORD) {
    const next = await agent.submit(page.form('/identifier'), { values: { identifier: email } });
    return agent.submit(next.form('/password'), { values: { password: secret } });
  }

  async function idToken(config: client.Configuration, request: CodeRequest, callback: Page) {
    expect(callback.isRedirect, callback.describe()).to.equal(true);
    const tokens = await client.authorizationCodeGrant(config, callback.location!, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    return tokens.claims()!;
  }

  it('an enrolled user is asked for the TOTP code; a code works once and not twice in its window', async () => {
    const agent = new UserAgent();
    const { config, request, page } = await start(agent, 'optional');
    const mfa = await password(agent, page, 'totp@example.com');
    expect(mfa.hasForm('/mfa'), mfa.describe()).to.equal(true);
    const input = mfa.body.match(/<input[^>]*name="code"[^>]*>/)![0];
    expect(input).to.contain('autocomplete="one-time-code"');
    const code = totpNow('totp@example.com');
    const callback = await agent.submit(mfa.form('/mfa'), { values: { code } });
    const claims = await idToken(config, request, callback);
    expect(claims.amr).to.have.members(['pwd', 'otp', 'mfa']);
    expect(claims.acr).to.equal('urn:portico:acr:mfa');

    const again = new UserAgent();
    const second = await start(again, 'optional');
    const mfa2 = await password(again, second.page, 'totp@example.com');
    const replay = await again.submit(mfa2.form('/mfa'), { values: { code } });
    expect(replay.status).to.equal(400);
    expect(replay.alertText()).to.equal('This code is incorrect or has expired.');
  });

  it('setting up an authenticator app mails the user a notice (SECURITY.md item 6)', async () => {
    const mail = await sink.waitForMail(
      (m) => m.to.includes('totp@example.com') && /authenticator app was set up/i.test(m.subject),
      20_000,
    );
    expect(mail.text).to.match(/If you did not do this/);
  });

  it('a recovery code works once', async () => {
    const { portico } = server;
    const tenant = await portico.tenants.getBySlug(portico.dataSource.manager, 'optional');
    const account = await portico.dataSource.manager.findOneByOrFail(User, { email: 'totp@example.com' });
    const [recovery] = await portico.mfa.recoveryCodes.regenerate(tenant, account.id, {
      type: 'user',
      id: account.id,
    });
    const useRecovery = async () => {
      const agent = new UserAgent();
      const { page } = await start(agent, 'optional');
      const mfa = await password(agent, page, 'totp@example.com');
      const switched = await agent.submit(mfa.form('/mfa/method'), {
        button: { name: 'method', value: 'recovery_code' },
      });
      return agent.submit(switched.form('/mfa'), { values: { code: recovery! } });
    };
    expect((await useRecovery()).isRedirect).to.equal(true);
    expect((await useRecovery()).status).to.equal(400);
  });

  it('acr_values forces a second factor on an existing single-factor session', async () => {
    const agent = new UserAgent();
    const first = await start(agent, 'off');
    const callback = await password(agent, first.page, 'stepup@example.com');
    const single = await idToken(first.config, first.request, callback);
    expect(single.amr).to.deep.equal(['pwd']);
    expect(single.acr).to.equal(undefined);

    const { config, request, page } = await start(agent, 'off', { acr_values: 'urn:portico:acr:mfa' });
    expect(page.hasForm('/identifier'), 'the session is reused, no password again').to.equal(false);
    expect(page.hasForm('/mfa'), page.describe()).to.equal(true);
    const done = await agent.submit(page.form('/mfa'), { values: { code: totpNow('stepup@example.com') } });
    const stepped = await idToken(config, request, done);
    expect(stepped.amr).to.have.members(['pwd', 'otp', 'mfa']);
    expect(stepped.acr).to.equal('urn:portico:acr:mfa');
    expect(stepped.sub).to.equal(single.sub);
  });

  it('MFA required is enforced on a login without a password (email code)', async () => {
    const agent = new UserAgent();
    const { config, request, page } = await start(agent, 'required');
    const passwordPage = await agent.submit(page.form('/identifier'), {
      values: { identifier: 'strict@example.com' },
    });
    const codePage = await agent.submit(passwordPage.form('/passwordless'), {
      button: { name: 'method', value: 'email_otp' },
    });
    const mail = await sink.waitForMail(
      (m) => m.to.includes('strict@example.com') && /\b[0-9]{6}\b/.test(m.text),
      20_000,
    );
    const code = mail.text.match(/\b[0-9]{6}\b/)![0];
    const mfa = await agent.submit(codePage.form('/code'), { values: { code } });
    expect(mfa.hasForm('/mfa'), `a second factor after the email code:\n${mfa.describe()}`).to.equal(true);
    const callback = await agent.submit(mfa.form('/mfa'), {
      values: { code: totpNow('strict@example.com') },
    });
    const claims = await idToken(config, request, callback);
    expect(claims.amr).to.have.members(['otp', 'mfa']);
  });

  it('MFA required and no factor yet: the login sets up an authenticator app and shows recovery codes once', async () => {
    const agent = new UserAgent();
    const { config, request, page } = await start(agent, 'required');
    const enroll = await password(agent, page, 'newbie@example.com');
    expect(enroll.hasForm('/mfa/enroll'), enroll.describe()).to.equal(true);
    const secret = enroll.body.match(/<code>([A-Z2-7]+)<\/code>/)![1]!;
    const codes = await agent.submit(enroll.form('/mfa/enroll'), {
      values: { code: generateSync({ secret, epoch: Math.floor(Date.now() / 1000) }) },
    });
    expect(codes.body.match(/<li><code>/g)).to.have.length(10);
    const callback = await agent.submit(codes.form('/mfa/enrolled'));
    const claims = await idToken(config, request, callback);
    expect(claims.amr).to.have.members(['pwd', 'otp', 'mfa']);
  });

  it('a login right after another from the same network finds that network known (history to the millisecond)', async () => {
    const { portico } = server;
    for (const agent of [new UserAgent(), new UserAgent()]) {
      const { page } = await start(agent, 'optional');
      expect((await password(agent, page, 'twice@example.com')).isRedirect).to.equal(true);
    }
    const account = await portico.dataSource.manager.findOneByOrFail(User, { email: 'twice@example.com' });
    const events = await portico.dataSource.manager.find(AuditEvent, {
      where: { action: 'user.login', targetId: account.id },
      order: { createdAt: 'ASC' },
    });
    const signals = events.map(
      (e) => (e.data.risk as { signals: { newNetwork: boolean } }).signals.newNetwork,
    );
    expect(signals).to.deep.equal([true, false]);
  });

  it('a login from a new device after failures steps up; the audit event lists the signals', async () => {
    const { portico } = server;
    const tenant: Tenant = await portico.tenants.getBySlug(portico.dataSource.manager, 'optional');
    // A first, ordinary login: its network becomes known, no second factor (nothing enrolled).
    const home = new UserAgent();
    const first = await start(home, 'optional');
    expect((await password(home, first.page, 'risky@example.com')).isRedirect).to.equal(true);

    const stranger = new UserAgent();
    for (let i = 0; i < 3; i += 1) {
      const attempt = await start(stranger, 'optional');
      const wrong = await password(stranger, attempt.page, 'risky@example.com', 'not the password at all');
      expect(wrong.status).to.equal(400);
    }
    const { page } = await start(stranger, 'optional');
    const stepUp = await password(stranger, page, 'risky@example.com');
    expect(stepUp.hasForm('/mfa') || stepUp.hasForm('/mfa/send'), stepUp.describe()).to.equal(true);
    const sent = await stranger.submit(stepUp.form('/mfa/send'));
    const mail = await sink.waitForMail(
      (m) => m.to.includes('risky@example.com') && /\b[0-9]{6}\b/.test(m.text),
      20_000,
    );
    const callback = await stranger.submit(sent.form('/mfa'), {
      values: { code: mail.text.match(/\b[0-9]{6}\b/)![0] },
    });
    expect(callback.isRedirect, callback.describe()).to.equal(true);

    const account = await portico.dataSource.manager.findOneByOrFail(User, { email: 'risky@example.com' });
    const events = await portico.dataSource.manager.find(AuditEvent, {
      where: { tenantId: tenant.id, action: 'user.login', targetId: account.id },
      order: { createdAt: 'ASC' },
    });
    expect(events).to.have.length(2);
    const risk = events[1]!.data.risk as {
      decision: string;
      signals: Record<string, unknown>;
      score: number;
    };
    expect(risk.decision).to.equal('step_up');
    expect(risk.signals).to.include({ newDevice: true });
    expect(risk.signals.recentFailures).to.equal(3);
    expect(events[1]!.data.factors).to.deep.equal(['password', 'email_otp']);
    expect((events[0]!.data.risk as { decision: string }).decision).to.equal('allow');
  });
});
