import { expect } from 'chai';
import type { Portico } from '../../src/app/portico.js';
import { SYSTEM_ACTOR } from '../../src/audit/audit.service.js';
import { ConsentRecord } from '../../src/consent/consent.entity.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import { User } from '../../src/users/user.entity.js';
import { createTestPortico, type DatabaseKind } from '../support/portico.js';
import { needsPostgres } from '../support/services.js';

const origin = { ip: '192.0.2.10', userAgent: 'Safari/18' };
const by = { actor: SYSTEM_ACTOR };

/**
 * Issue 5, done when: a new terms version forces re-consent at the next login and leaves a receipt.
 * The login interaction's prompt step (LoginPromptsService), on both databases.
 */
for (const kind of ['pglite', 'postgres'] as DatabaseKind[]) {
  describe(`login prompts: re-consent and progressive profiling [${kind}]`, function () {
    this.timeout(60_000);
    let portico: Portico;
    let tenant: Tenant;
    let userId: string;

    before(async function () {
      if (kind === 'postgres') needsPostgres(this);
      portico = await createTestPortico(kind);
      await portico.dataSource.transaction(async (m) => {
        tenant = await portico.tenants.create(m, { slug: 'acme', name: 'Acme' });
        const terms = await portico.consent.publish(
          m,
          tenant.id,
          { key: 'terms', kind: 'terms', required: true },
          by,
        );
        userId = (await portico.users.create(m, tenant, { email: 'ann@example.com' })).id;
        await portico.consent.accept(m, [terms.id], {
          tenantId: tenant.id,
          userId,
          source: 'signup',
          ...origin,
        });
      });
    });
    after(async () => portico?.close());

    it('asks nothing while the current terms are granted', async () => {
      expect(await portico.loginPrompts.whatToAsk(tenant.id, userId, null)).to.deep.equal({
        policies: [],
        fields: [],
      });
    });

    it('a new terms version is asked at the next login; accepting it leaves a login receipt', async () => {
      const v2 = await portico.dataSource.transaction((m) =>
        portico.consent.publish(m, tenant.id, { key: 'terms', url: 'https://acme.example/terms/2' }, by),
      );
      const asked = await portico.loginPrompts.whatToAsk(tenant.id, userId, null);
      expect(asked.policies.map((p) => [p.key, p.version])).to.deep.equal([['terms', 2]]);
      expect(await portico.loginPrompts.acceptPolicies(tenant.id, userId, [], origin)).to.deep.equal({
        ok: false,
        missing: ['terms'],
      });
      expect(await portico.loginPrompts.acceptPolicies(tenant.id, userId, [v2.id], origin)).to.deep.equal({
        ok: true,
      });
      const receipts = await portico.dataSource.manager.find(ConsentRecord, {
        where: { tenantId: tenant.id, userId },
        order: { createdAt: 'ASC' },
      });
      expect(
        receipts.map((r) => [r.policyId === v2.id, r.decision, r.source, r.ip, r.userAgent]),
      ).to.deep.equal([
        [false, 'granted', 'signup', origin.ip, origin.userAgent],
        [true, 'granted', 'login', origin.ip, origin.userAgent],
      ]);
      expect((await portico.loginPrompts.whatToAsk(tenant.id, userId, null)).policies).to.deep.equal([]);
    });

    it('asks an after_logins field from the Nth login, and saves it into the profile', async () => {
      const manager = portico.dataSource.manager;
      await portico.dataSource.transaction((m) =>
        portico.profileFields.create(
          m,
          tenant.id,
          { key: 'company', type: 'string', requiredAt: 'after_logins', requiredAfterLogins: 2 },
          by,
        ),
      );
      await manager.update(User, { id: userId }, { loginCount: 1 });
      expect((await portico.loginPrompts.whatToAsk(tenant.id, userId, null)).fields).to.deep.equal([]);
      await manager.update(User, { id: userId }, { loginCount: 2 });
      const { fields } = await portico.loginPrompts.whatToAsk(tenant.id, userId, null);
      expect(fields.map((f) => [f.field.key, f.required])).to.deep.equal([['company', true]]);
      const errors = await portico.loginPrompts.saveProfile(
        tenant.id,
        userId,
        fields,
        { company: '' },
        origin,
      );
      expect(errors.map((e) => [e.key, e.code])).to.deep.equal([['company', 'required']]);
      expect(
        await portico.loginPrompts.saveProfile(tenant.id, userId, fields, { company: 'Acme' }, origin),
      ).to.deep.equal([]);
      expect((await manager.findOneByOrFail(User, { id: userId })).profile).to.deep.equal({
        company: 'Acme',
      });
      expect(await portico.loginPrompts.whatToAsk(tenant.id, userId, null)).to.deep.equal({
        policies: [],
        fields: [],
      });
    });
  });
}
