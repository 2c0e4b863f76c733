import { expect } from 'chai';
import { outboxMessages } from '../../../test/support/account-pages.js';
import { User } from '../../src/users/user.entity.js';
import { needsPostgres } from '../support/services.js';
import { type GraphqlResponse, type GraphqlServer, startGraphqlServer, USERS } from './harness.js';

const CHANGE_PASSWORD =
  'mutation($c: String!, $n: String!) { changeMyPassword(currentPassword: $c, newPassword: $n) }';
const CHANGE_EMAIL = 'mutation($e: String!) { changeMyEmail(newEmail: $e) }';
const START_PHONE = 'mutation($p: String!) { startPhoneVerification(phone: $p) }';
const CONFIRM_PHONE = 'mutation($p: String!, $c: String!) { confirmPhone(phone: $p, code: $c) { phone } }';

const errorOf = (response: GraphqlResponse) => {
  const extensions = response.errors?.[0]?.extensions ?? {};
  return { code: extensions.code, reason: extensions.reason, fields: extensions.fields };
};

/** The account pages' changes through a user's own access token (`me` mutations, permission `self`). */
describe('GraphQL me mutations: email, phone and password changes', function () {
  this.timeout(60_000);
  let api: GraphqlServer;
  let token = '';

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    token = await api.userToken('acme', USERS.bob);
  });
  after(async () => api?.close());

  it('changeMyPassword: a wrong current password or a weak new one is refused with a field and a code', async () => {
    const wrong = await api.gql(
      CHANGE_PASSWORD,
      { c: 'not the password', n: 'a fresh passphrase for bob' },
      token,
    );
    expect(errorOf(wrong)).to.deep.equal({
      code: 'BAD_USER_INPUT',
      reason: 'current_password_invalid',
      fields: { currentPassword: 'The current password is incorrect.' },
    });
    const weak = await api.gql(CHANGE_PASSWORD, { c: USERS.bob.password, n: '1234567890123456' }, token);
    expect(errorOf(weak)).to.include({ code: 'BAD_USER_INPUT', reason: 'password_too_common' });
    expect(errorOf(weak).fields).to.have.keys(['newPassword']);
  });

  it('changeMyPassword: sets it, ends every session, mails the notice', async () => {
    const bob = await api.server.portico.dataSource.manager.findOneByOrFail(User, { email: USERS.bob.email });
    const done = await api.gql(
      CHANGE_PASSWORD,
      { c: USERS.bob.password, n: 'a fresh passphrase for bob' },
      token,
    );
    expect(done.errors).to.equal(undefined);
    expect(done.data).to.deep.equal({ changeMyPassword: true });
    const sessions = await api.server.portico.dataSource.query(
      `SELECT 1 FROM oidc_models WHERE model = 'Session' AND account_id = $1`,
      [bob.id],
    );
    expect(sessions).to.deep.equal([]);
    expect(
      await outboxMessages(api.server.portico, 'password_changed_notice', USERS.bob.email),
    ).to.have.length(1);
    const audit = await api.server.portico.dataSource.query(
      `SELECT actor_id, ip FROM audit_events WHERE action = 'password.changed' AND target_id = $1`,
      [bob.id],
    );
    expect(audit).to.have.length(1);
    expect(audit[0].actor_id).to.equal(bob.id);
    token = await api.userToken('acme', { ...USERS.bob, password: 'a fresh passphrase for bob' });
  });

  it('changeMyEmail: an invalid address names newEmail; a valid one mails the new address', async () => {
    expect(errorOf(await api.gql(CHANGE_EMAIL, { e: 'not-an-email' }, token))).to.deep.include({
      code: 'BAD_USER_INPUT',
      reason: 'invalid_email',
    });
    const sent = await api.gql(CHANGE_EMAIL, { e: 'bob.new@example.com' }, token);
    expect(sent.data).to.deep.equal({ changeMyEmail: true });
    const [mail] = await outboxMessages(
      api.server.portico,
      'email_change_verification',
      'bob.new@example.com',
    );
    expect(mail?.variables.link).to.match(/verify-email\?.*change=1/);
  });

  it('startPhoneVerification and confirmPhone: the texted code verifies the number', async () => {
    expect(errorOf(await api.gql(START_PHONE, { p: '0151 123' }, token))).to.deep.include({
      reason: 'invalid_phone',
      fields: { phone: 'The phone number must be in international E.164 form (+4915112345678).' },
    });
    expect((await api.gql(START_PHONE, { p: '+4915112345678' }, token)).data).to.deep.equal({
      startPhoneVerification: true,
    });
    const [sms] = await outboxMessages(api.server.portico, 'phone_verification', '+4915112345678');
    const code = sms!.variables.code!;
    const wrongCode = code === '000000' ? '111111' : '000000';
    expect(
      errorOf(await api.gql(CONFIRM_PHONE, { p: '+4915112345678', c: wrongCode }, token)),
    ).to.deep.include({
      code: 'BAD_USER_INPUT',
      reason: 'code_invalid',
    });
    const confirmed = await api.gql(CONFIRM_PHONE, { p: '+4915112345678', c: code }, token);
    expect(confirmed.errors).to.equal(undefined);
    expect(confirmed.data).to.deep.equal({ confirmPhone: { phone: '+4915112345678' } });
    const audit = await api.server.portico.dataSource.query(
      `SELECT 1 FROM audit_events WHERE action = 'user.phone_verified' AND actor_type = 'user'`,
    );
    expect(audit).to.have.length(1);
  });
});
