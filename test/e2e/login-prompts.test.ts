import { expect } from 'chai';
import * as client from 'openid-client';
import { SYSTEM_ACTOR } from '../../server/src/audit/audit.service.js';
import { ConsentRecord } from '../../server/src/consent/consent.entity.js';
import { User } from '../../server/src/users/user.entity.js';
import { needsPostgres } from '../../server/test/support/services.js';
import { type InProcessServer, startInProcessServer } from '../support/in-process-server.js';
import { codeRequest } from '../support/oidc-flows.js';
import { type Page, UserAgent } from '../support/user-agent.js';

const REDIRECT = 'http://127.0.0.1:5555/cb';
const SECRET = 's3cret-s3cret-s3cret-s3cret';
const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };

const KICKSTART = `tenants:
  - slug: prompts
    name: Prompts Inc
    settings:
      passwords: { argon2: { memoryCost: 8192, timeCost: 1, parallelism: 1 } }
    applications:
      - { name: Web, type: oidc, clientId: web, clientSecret: "${SECRET}", redirectUris: ["${REDIRECT}"],
          grantTypes: [authorization_code], firstParty: true }
    consentPolicies:
      - { key: terms, kind: terms, required: true, title: { en: Terms of service }, url: "https://prompts.example/terms" }
      - { key: newsletter, kind: marketing, title: { en: Send me the newsletter } }
    profileFields:
      - { key: company, type: string, labels: { en: Company }, validation: { maxLength: 50 }, requiredAt: after_logins, requiredAfterLogins: 2 }
      - { key: plan, type: enum, labels: { en: Plan }, validation: { options: [{ value: free }, { value: pro }] }, requiredAt: signup }
    users:
      - { email: ${ALICE.email}, password: "${ALICE.password}", emailVerified: true }
`;

/**
 * The prompts after sign-in (ARCHITECTURE.md "Request flows" → Login: "consent + progressive profile
 * prompts"): a required policy not accepted in its current version is asked before the app gets its
 * code, and every acceptance is a receipt; profile fields are asked when the tenant's rules say so.
 */
describe('login prompts: re-consent to new policy versions, progressive profiling, sign-up agreements', function () {
  this.timeout(60_000);
  let server: InProcessServer;
  let config: client.Configuration;

  before(async function () {
    needsPostgres(this);
    server = await startInProcessServer('postgres', KICKSTART);
    config = await server.discover('prompts', 'web', SECRET);
  });
  after(async () => server?.close());

  async function signIn(agent: UserAgent, user = ALICE): Promise<Page> {
    const request = await codeRequest(config, REDIRECT);
    const identifier = await agent.navigate(request.url);
    const password = await agent.submit(identifier.form('/identifier'), {
      values: { identifier: user.email },
    });
    return agent.submit(password.form('/password'), { values: { password: user.password } });
  }

  const receiptsOf = async (email: string) => {
    const manager = server.portico.dataSource.manager;
    const user = await manager.findOneByOrFail(User, { email });
    return manager.find(ConsentRecord, { where: { userId: user.id }, order: { createdAt: 'ASC' } });
  };

  it('the first login asks for the required terms before the code; accepting leaves a receipt', async () => {
    const agent = new UserAgent();
    const policies = await signIn(agent);
    expect(policies.hasForm('/policies'), policies.describe()).to.equal(true);
    expect(policies.body).to.contain('Terms of service');
    const refused = await agent.submit(policies.form('/policies'), { values: {} });
    expect(refused.status).to.equal(400);
    expect(refused.alertText()).to.equal('Accept the required agreements to continue.');
    const termsId = refused.body.match(/name="policy" type="checkbox" value="([^"]+)"[^>]*required/)![1]!;
    const profile = await agent.submit(refused.form('/policies'), { values: { policy: termsId } });
    // The plan is a sign-up field this (kickstarted) account never answered: asked now, and required.
    expect(profile.hasForm('/profile'), profile.describe()).to.equal(true);
    expect(profile.body).to.not.contain('value="skip"');
    const done = await agent.submit(profile.form('/profile'), { values: { 'profile.plan': 'free' } });
    expect(done.isRedirect, done.describe()).to.equal(true);
    expect(done.location!.href).to.match(/^http:\/\/127\.0\.0\.1:5555\/cb\?code=/);
    const receipts = await receiptsOf(ALICE.email);
    expect(receipts.map((r) => [r.decision, r.source])).to.deep.equal([['granted', 'login']]);
    expect(receipts[0]!.ip).to.match(/127\.0\.0\.1/);
  });

  it('a new terms version forces re-consent at the next login and leaves a receipt for that version', async () => {
    const { portico } = server;
    await portico.dataSource.transaction(async (manager) => {
      const tenant = await portico.tenants.getBySlug(manager, 'prompts');
      await portico.consent.publish(
        manager,
        tenant.id,
        { key: 'terms', title: { en: 'Terms of service (2027)' } },
        { actor: SYSTEM_ACTOR },
      );
    });
    const agent = new UserAgent();
    const policies = await signIn(agent);
    expect(policies.hasForm('/policies'), policies.describe()).to.equal(true);
    expect(policies.body).to.contain('Terms of service (2027)');
    const termsId = policies.body.match(/name="policy" type="checkbox" value="([^"]+)"[^>]*required/)![1]!;
    const next = await agent.submit(policies.form('/policies'), { values: { policy: termsId } });
    // The second login: the company question (after 2 logins) comes next, skippable.
    expect(next.hasForm('/profile'), next.describe()).to.equal(true);
    const receipts = await receiptsOf(ALICE.email);
    expect(receipts).to.have.length(2);
    expect(receipts[1]!.policyId).to.equal(termsId);
  });

  it('a question due after N logins is asked with field errors; the answer lands in the profile and the profile_fields claim', async () => {
    const agent = new UserAgent();
    const request = await codeRequest(config, REDIRECT);
    const identifier = await agent.navigate(request.url);
    const password = await agent.submit(identifier.form('/identifier'), {
      values: { identifier: ALICE.email },
    });
    const prompt = await agent.submit(password.form('/password'), { values: { password: ALICE.password } });
    expect(prompt.hasForm('/profile'), prompt.describe()).to.equal(true);
    expect(prompt.body, 'required after two logins: no "Not now"').to.not.contain('value="skip"');
    const tooLong = await agent.submit(prompt.form('/profile'), {
      values: { 'profile.company': 'x'.repeat(51) },
    });
    expect(tooLong.status).to.equal(400);
    expect(tooLong.body).to.contain('role="alert"');
    const callback = await agent.submit(tooLong.form('/profile'), {
      values: { 'profile.company': 'Globex' },
    });
    expect(callback.isRedirect, callback.describe()).to.equal(true);
    const user = await server.portico.dataSource.manager.findOneByOrFail(User, { email: ALICE.email });
    expect(user.profile.company).to.equal('Globex');
    const tokens = await client.authorizationCodeGrant(config, callback.location!, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, user.id);
    expect(userinfo.profile_fields).to.deep.include({ company: 'Globex', plan: 'free' });
  });

  it('sign-up shows the agreements and the sign-up fields; the required terms and plan are enforced and recorded', async () => {
    const agent = new UserAgent();
    const request = await codeRequest(config, REDIRECT);
    const base = (await agent.navigate(request.url)).url.pathname;
    const form = (await agent.navigate(new URL(`${base}/register`, server.publicUrl))).form('/register');
    const values = { email: 'signup@example.com', password: 'violet harbour lamps drift slowly' };
    const noTerms = await agent.submit(form, { values: { ...values, 'profile.plan': 'pro' } });
    expect(noTerms.status).to.equal(400);
    expect(noTerms.alertText()).to.equal('Accept the required agreements to continue.');
    const termsId = noTerms.body.match(/name="consent" type="checkbox" value="([^"]+)"[^>]*required/)![1]!;
    const noPlan = await agent.submit(noTerms.form('/register'), {
      values: { ...values, consent: termsId, 'profile.plan': '' },
    });
    expect(noPlan.status).to.equal(400);
    const done = await agent.submit(noPlan.form('/register'), {
      values: { ...values, consent: termsId, 'profile.plan': 'pro' },
    });
    expect(done.status, done.describe()).to.equal(200);
    const user = await server.portico.dataSource.manager.findOneByOrFail(User, {
      email: 'signup@example.com',
    });
    expect(user.profile.plan).to.equal('pro');
    const receipts = await receiptsOf('signup@example.com');
    expect(receipts.map((r) => [r.decision, r.source, r.policyId])).to.deep.equal([
      ['granted', 'signup', termsId],
    ]);
  });
});
