import { expect } from 'chai';
import { type AuditEntry, AuditLog } from '../../src/audit/audit.service.js';
import { StatementParams } from '../../src/db/statement-params.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { describeOnBothDatabases } from '../support/databases.js';

/** AuditLog: the one mapping of an entry to its row, alone or inside a caller's statement. */
describeOnBothDatabases('audit log', (db) => {
  let tenant: Tenant;
  const recorded: string[] = [];
  const audit = new AuditLog((action) => recorded.push(action));

  before(async () => {
    tenant = await new TenantsService().create(db.dataSource.manager, { slug: 'audit-log', name: 'Audit' });
  });
  beforeEach(() => {
    recorded.length = 0;
  });

  const entry = (action: string): AuditEntry => ({
    tenantId: tenant.id,
    actor: { type: 'user', id: 'u-1' },
    action,
    target: { type: 'user', id: 'u-1' },
    ip: '198.51.100.7',
    userAgent: 'mocha',
    data: { factors: ['password'], acr: undefined, risk: { score: 10, decision: 'allow' } },
  });

  async function rows(action: string) {
    return db.dataSource.query(
      `SELECT actor_type, actor_id, action, target_type, target_id, ip, user_agent, data, created_at
         FROM audit_events WHERE tenant_id = $1 AND action = $2`,
      [tenant.id, action],
    );
  }

  it('records every field of an entry, data as JSON (undefined keys left out)', async () => {
    await audit.record(db.dataSource.manager, entry('test.alone'));
    const [row] = await rows('test.alone');
    expect(row).to.deep.include({
      actor_type: 'user',
      actor_id: 'u-1',
      action: 'test.alone',
      target_type: 'user',
      target_id: 'u-1',
      ip: '198.51.100.7',
      user_agent: 'mocha',
      data: { factors: ['password'], risk: { score: 10, decision: 'allow' } },
    });
    expect(row.created_at).to.be.instanceOf(Date);
    expect(recorded).to.deep.equal(['test.alone']);
  });

  it('records a system event without target, ip or data', async () => {
    await audit.record(db.dataSource.manager, {
      tenantId: tenant.id,
      actor: { type: 'system', id: null },
      action: 'test.bare',
    });
    expect(await rows('test.bare')).to.have.length(1);
    const [row] = await rows('test.bare');
    expect(row).to.deep.include({ actor_id: null, target_type: null, target_id: null, ip: null, data: {} });
  });

  it('writes the event within the caller statement: both or neither', async () => {
    const params = new StatementParams();
    const change = `UPDATE tenants SET name = ${params.add('Audited')} WHERE id = ${params.add(tenant.id)}`;
    await audit.recordWithin(
      db.dataSource.manager,
      entry('test.within'),
      params,
      (insertEvent) => `WITH change AS (${change}) ${insertEvent}`,
    );
    expect(await rows('test.within')).to.have.length(1);
    const [named] = await db.dataSource.query('SELECT name FROM tenants WHERE id = $1', [tenant.id]);
    expect(named.name).to.equal('Audited');

    const failing = new StatementParams();
    // A name the tenants table refuses (NOT NULL): the statement fails, and takes the event with it.
    const refused = `UPDATE tenants SET name = NULL WHERE id = ${failing.add(tenant.id)}`;
    const error = await audit
      .recordWithin(
        db.dataSource.manager,
        entry('test.refused'),
        failing,
        (insertEvent) => `WITH change AS (${refused}) ${insertEvent}`,
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(Error);
    expect(await rows('test.refused')).to.have.length(0);
    expect(recorded).to.deep.equal(['test.within']);
  });
});
