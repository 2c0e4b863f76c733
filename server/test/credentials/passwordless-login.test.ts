import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Portico } from '../../src/app/portico.js';
import type { MessagePayload } from '../../src/messaging/messaging.service.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import { createTestPortico } from '../support/portico.js';

const EMAIL = 'otp@example.com';

/**
 * SECURITY.md ★1 on the code login path: a wrong email code counts against the same per-account lockout
 * as a wrong password, a locked account refuses even the right code, and recovery still works while
 * locked. ★3: asking a code for an unknown account answers the same (nothing is sent, nothing thrown).
 */
describe('email codes count in the account lockout (SECURITY.md ★1)', function () {
  this.timeout(60_000);
  let portico: Portico;
  let tenant: Tenant;

  before(async () => {
    portico = await createTestPortico('pglite', {});
    const file = path.join(tmpdir(), `otp-lockout-${process.pid}-${Date.now()}.yaml`);
    writeFileSync(
      file,
      `tenants:
  - slug: otp
    name: OTP
    settings: { lockout: { maxFailures: 3, baseSeconds: 600 }, passwordless: { emailOtp: true } }
    users: [{ email: ${EMAIL}, password: "correct horse battery staple", emailVerified: true }]
`,
    );
    await portico.kickstart.applyFile(file);
    tenant = await portico.tenants.getBySlug(portico.dataSource.manager, 'otp');
  });
  after(async () => portico?.close());

  const outbox = async (kind: string) => {
    const rows: { payload: MessagePayload }[] = await portico.dataSource.query(
      'SELECT payload FROM outbox WHERE name = $1 ORDER BY created_at DESC',
      [kind],
    );
    return rows.map((row) => row.payload);
  };
  const request = (identifier: string, flowId: string) => ({
    tenant,
    identifier,
    flowId,
    locale: 'en',
    ip: '198.51.100.9',
  });
  const attempt = (code: string, flowId: string) =>
    portico.passwordless.checkCode('email_otp', { ...request(EMAIL, flowId), code, userAgent: 'test' });

  it('an unknown account gets no code and no error', async () => {
    await portico.passwordless.sendEmailCode(request('nobody@example.com', 'flow-0'));
    expect(await outbox('email_otp')).to.have.length(0);
  });

  it('wrong codes lock the account; then the right code is refused too; a reset link is still sent', async () => {
    await portico.passwordless.sendEmailCode(request(EMAIL, 'flow-1'));
    const [payload] = await outbox('email_otp');
    const { code } = portico.messaging.openVariables(payload!);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i += 1) expect((await attempt(wrong, 'flow-1')).ok).to.equal(false);

    const [lock] = await portico.dataSource.query(
      'SELECT consecutive_failures, locked_until FROM lockouts WHERE tenant_id = $1',
      [tenant.id],
    );
    expect(Number(lock.consecutive_failures)).to.equal(3);
    expect(new Date(lock.locked_until).getTime()).to.be.greaterThan(Date.now());
    expect((await attempt(code!, 'flow-1')).ok).to.equal(false);

    await portico.passwordReset.requestLink({ ...request(EMAIL, 'flow-2'), userAgent: 'test' });
    expect(await outbox('password_reset')).to.have.length(1);
  });
});
