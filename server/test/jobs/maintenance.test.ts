import { expect } from 'chai';
import type { Adapter } from 'oidc-provider';
import type { Portico } from '../../src/app/portico.js';
import {
  MAINTENANCE_JOBS,
  MAINTENANCE_QUEUE,
  MaintenanceScheduler,
  maintenanceHandlers,
} from '../../src/jobs/maintenance.jobs.js';
import { createLogger } from '../../src/shared/logger.js';
import { createTestPortico, type DatabaseKind } from '../support/portico.js';
import { needsPostgres } from '../support/services.js';

for (const kind of ['pglite', 'postgres'] as DatabaseKind[]) {
  describe(`maintenance jobs (${kind})`, function () {
    this.timeout(60_000);
    let portico: Portico;
    let tenantId: string;

    before(async function () {
      if (kind === 'postgres') needsPostgres(this);
      portico = await createTestPortico(kind);
      tenantId = (await portico.tenants.create(portico.dataSource.manager, { slug: 'maint', name: 'Maint' }))
        .id;
    });
    after(async () => portico?.close());

    const context = () => ({
      jobId: 'test',
      tenantId: null,
      attempt: 1,
      maxAttempts: 1,
      expiresAt: null,
      logger: createLogger('silent'),
    });

    it('deletes expired oidc models of every tenant and keeps live ones', async () => {
      const accessTokens = (portico.oidcModels.adapterFactory(tenantId) as (model: string) => Adapter)(
        'AccessToken',
      );
      await accessTokens.upsert('live', { kind: 'AccessToken' }, 3600);
      await portico.dataSource.query(
        `INSERT INTO oidc_models (tenant_id, model, id, payload, expires_at)
         SELECT $1, 'AccessToken', 'expired-' || g, '{}'::jsonb, now() - interval '1 minute' FROM generate_series(1, 1500) g`,
        [tenantId],
      );
      const handlers = maintenanceHandlers(portico.dataSource, portico.oidcModels);
      await handlers.delete_expired_oidc_models!({}, context() as never);
      const rows: { id: string }[] = await portico.dataSource.query(
        `SELECT id FROM oidc_models WHERE tenant_id = $1`,
        [tenantId],
      );
      expect(rows.map((r) => r.id)).to.deep.equal(['live']);
    });

    it('schedules each maintenance job once while one is waiting', async () => {
      let nudges = 0;
      const scheduler = new MaintenanceScheduler({
        dataSource: portico.dataSource,
        logger: createLogger('silent'),
        afterSchedule: () => {
          nudges += 1;
        },
      });
      expect(await scheduler.scheduleDue()).to.equal(MAINTENANCE_JOBS.length);
      expect(await scheduler.scheduleDue()).to.equal(0);
      expect(nudges).to.equal(1);
      const waiting: { name: string }[] = await portico.dataSource.query(
        `SELECT name FROM outbox WHERE queue = $1 AND status = 'pending' ORDER BY name`,
        [MAINTENANCE_QUEUE],
      );
      expect(waiting.map((w) => w.name)).to.deep.equal([...MAINTENANCE_JOBS].sort());
    });
  });
}
