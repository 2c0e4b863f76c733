import { expect } from 'chai';
import type { Portico } from '../../src/app/portico.js';
import { SYSTEM_ACTOR } from '../../src/audit/audit.service.js';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { ConsentRecord } from '../../src/consent/consent.entity.js';
import type { DecisionContext } from '../../src/consent/consent.service.js';
import { findReceipts, receiptsAsJsonLines } from '../../src/consent/consent-receipts.js';
import { isAppError } from '../../src/shared/errors.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import { createTestPortico, type DatabaseKind } from '../support/portico.js';
import { needsPostgres } from '../support/services.js';

const by = { actor: SYSTEM_ACTOR };

async function expectAppError(work: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(error), `expected AppError ${code}, got ${String(error)}`).to.equal(true);
  if (!isAppError(error)) return {};
  expect(error.code).to.equal(code);
  return error.details ?? {};
}

for (const kind of ['pglite', 'postgres'] as DatabaseKind[]) {
  describe(`consent policies and receipts [${kind}]`, function () {
    this.timeout(60_000);
    let portico: Portico;
    let tenant: Tenant;
    let userId: string;
    let context: DecisionContext;

    before(async function () {
      if (kind === 'postgres') needsPostgres(this);
      portico = await createTestPortico(kind);
      await portico.dataSource.transaction(async (manager) => {
        tenant = await portico.tenants.create(manager, { slug: 'acme', name: 'Acme' });
        userId = (await portico.users.create(manager, tenant, { email: 'ann@example.com' })).id;
      });
      context = { tenantId: tenant.id, userId, source: 'login', ip: '203.0.113.7', userAgent: 'Firefox/140' };
    });
    after(async () => portico?.close());

    const tx = <T>(work: (m: Portico['dataSource']['manager']) => Promise<T>) =>
      portico.dataSource.transaction(work);

    it('publishes versions 1, 2, … per key, copying undeclared fields from the current version', async () => {
      const v1 = await tx((m) =>
        portico.consent.publish(
          m,
          tenant.id,
          {
            key: 'terms',
            kind: 'terms',
            required: true,
            title: { en: 'Terms', de: 'AGB' },
            url: 'https://acme.example/t1',
          },
          by,
        ),
      );
      const v2 = await tx((m) =>
        portico.consent.publish(m, tenant.id, { key: 'terms', url: 'https://acme.example/t2' }, by),
      );
      expect([v1.version, v2.version]).to.deep.equal([1, 2]);
      expect(v2).to.include({ kind: 'terms', required: true, url: 'https://acme.example/t2' });
      expect(v2.title).to.deep.equal({ en: 'Terms', de: 'AGB' });
      const current = await portico.consent.currentPolicies(portico.dataSource.manager, tenant.id);
      expect(current.map((p) => [p.key, p.version])).to.deep.equal([['terms', 2]]);
      const audit = await portico.dataSource.manager.findBy(AuditEvent, {
        tenantId: tenant.id,
        action: 'consent_policy.published',
      });
      expect(audit).to.have.length(2);
    });

    it('refuses a bad key, kind, title locale or url with field-level invalid_input', async () => {
      const cases: [object, string][] = [
        [{ key: 'Terms!' }, 'key'],
        [{ key: 'x', kind: 'cookies' }, 'kind'],
        [{ key: 'x', title: { xx: 'Hi' } }, 'title'],
        [{ key: 'x', title: { en: '' } }, 'title'],
        [{ key: 'x', url: 'javascript:alert(1)' }, 'url'],
      ];
      for (const [declared, field] of cases) {
        const details = await expectAppError(
          tx((m) => portico.consent.publish(m, tenant.id, declared as never, by)),
          'invalid_input',
        );
        expect(Object.keys(details.fields as object)).to.deep.equal([field]);
      }
    });

    it('a required policy is pending until its current version is granted; a new version makes it pending again', async () => {
      const manager = portico.dataSource.manager;
      expect(
        (await portico.consent.pendingFor(manager, tenant.id, userId)).map((p) => p.version),
      ).to.deep.equal([2]);
      await tx((m) => portico.consent.grant(m, 'terms', context));
      expect(await portico.consent.pendingFor(manager, tenant.id, userId)).to.deep.equal([]);
      const v3 = await tx((m) =>
        portico.consent.publish(m, tenant.id, { key: 'terms', title: { en: 'Terms v3' } }, by),
      );
      const pending = await portico.consent.pendingFor(manager, tenant.id, userId);
      expect(pending.map((p) => [p.key, p.version])).to.deep.equal([['terms', 3]]);
      const [state] = await portico.consent.stateFor(manager, tenant.id, userId);
      expect(state).to.include({ decision: 'granted', decidedVersion: 2, pending: true });
      expect(state?.policy.id).to.equal(v3.id);
    });

    it('grants only the current version', async () => {
      const details = await expectAppError(
        tx((m) => portico.consent.grant(m, 'terms', context, 2)),
        'policy_version_outdated',
      );
      expect(details).to.include({ key: 'terms', current: 3 });
      await expectAppError(
        tx((m) => portico.consent.grant(m, 'nope', context)),
        'not_found',
      );
    });

    it('accept() needs every pending required policy and writes one receipt each', async () => {
      const manager = portico.dataSource.manager;
      const newsletter = await tx((m) =>
        portico.consent.publish(m, tenant.id, { key: 'newsletter', kind: 'marketing' }, by),
      );
      const details = await expectAppError(
        tx((m) => portico.consent.accept(m, [newsletter.id], context)),
        'consent_required',
      );
      expect(details.keys).to.deep.equal(['terms']);
      const [terms] = await portico.consent.pendingFor(manager, tenant.id, userId);
      const receipts = await tx((m) => portico.consent.accept(m, [terms!.id, newsletter.id], context));
      expect(receipts.map((r) => r.decision)).to.deep.equal(['granted', 'granted']);
      expect(await portico.consent.pendingFor(manager, tenant.id, userId)).to.deep.equal([]);
      await expectAppError(
        tx((m) => portico.consent.accept(m, ['00000000-0000-4000-8000-000000000000'], context)),
        'not_found',
      );
    });

    it('withdrawing a required policy makes it pending; the receipt names the version granted', async () => {
      const manager = portico.dataSource.manager;
      const receipt = await tx((m) =>
        portico.consent.withdraw(m, 'terms', { ...context, source: 'account' }),
      );
      expect(receipt).to.include({ decision: 'withdrawn', source: 'account', ip: '203.0.113.7' });
      expect((await portico.consent.pendingFor(manager, tenant.id, userId)).map((p) => p.key)).to.deep.equal([
        'terms',
      ]);
      const states = await portico.consent.stateFor(manager, tenant.id, userId);
      expect(states.map((s) => [s.policy.key, s.decision, s.decidedVersion])).to.deep.equal([
        ['newsletter', 'granted', 1],
        ['terms', 'withdrawn', 3],
      ]);
      const events = await manager.findBy(AuditEvent, { tenantId: tenant.id, action: 'consent.withdrawn' });
      expect(events.map((e) => e.data)).to.deep.equal([
        { policyKey: 'terms', policyVersion: 3, source: 'account' },
      ]);
    });

    it('decisions in one transaction keep their order (the last one counts)', async () => {
      await tx(async (m) => {
        await portico.consent.grant(m, 'newsletter', context);
        await portico.consent.withdraw(m, 'newsletter', context);
      });
      const states = await portico.consent.stateFor(portico.dataSource.manager, tenant.id, userId);
      expect(states.find((s) => s.policy.key === 'newsletter')?.decision).to.equal('withdrawn');
    });

    it('queries receipts with filters, pages them newest first, and exports JSON Lines', async () => {
      const manager = portico.dataSource.manager;
      const all = await findReceipts(manager, tenant.id, {}, 100);
      expect(all.length).to.equal(6);
      const sorted = [...all].sort((a, b) => Number(b.micros - a.micros));
      expect(all.map((r) => r.id)).to.deep.equal(sorted.map((r) => r.id));
      const withdrawn = await findReceipts(
        manager,
        tenant.id,
        { decision: 'withdrawn', policyKey: 'terms' },
        100,
      );
      expect(withdrawn.map((r) => [r.policyKey, r.policyVersion])).to.deep.equal([['terms', 3]]);
      const firstTwo = await findReceipts(manager, tenant.id, {}, 2);
      const rest = await findReceipts(manager, tenant.id, {}, 100, {
        micros: firstTwo[1]!.micros,
        id: firstTwo[1]!.id,
      });
      expect([...firstTwo, ...rest].map((r) => r.id)).to.deep.equal(all.map((r) => r.id));
      expect(
        await findReceipts(manager, tenant.id, { since: new Date(Date.now() + 60_000) }, 10),
      ).to.deep.equal([]);
      expect(await findReceipts(manager, tenant.id, { userId: 'not-a-uuid' }, 10)).to.deep.equal([]);
      const lines = receiptsAsJsonLines(withdrawn).trimEnd().split('\n');
      expect(lines).to.have.length(1);
      expect(JSON.parse(lines[0]!)).to.include({
        userId,
        policyKey: 'terms',
        policyVersion: 3,
        decision: 'withdrawn',
        source: 'account',
        ip: '203.0.113.7',
        userAgent: 'Firefox/140',
      });
    });

    it('scrubUser keeps the receipts but erases their ip and user agent', async () => {
      const manager = portico.dataSource.manager;
      const other = await tx(
        async (m) => (await portico.users.create(m, tenant, { email: 'bo@example.com' })).id,
      );
      await tx((m) => portico.consent.grant(m, 'terms', { ...context, userId: other }));
      const scrubbed = await tx((m) => portico.consent.scrubUser(m, tenant.id, userId));
      expect(scrubbed).to.equal(6);
      const mine = await manager.findBy(ConsentRecord, { tenantId: tenant.id, userId });
      expect(mine).to.have.length(6);
      expect(mine.every((r) => r.ip === null && r.userAgent === null)).to.equal(true);
      const theirs = await manager.findBy(ConsentRecord, { tenantId: tenant.id, userId: other });
      expect(theirs.map((r) => r.ip)).to.deep.equal(['203.0.113.7']);
    });
  });
}
