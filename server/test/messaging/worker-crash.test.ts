import { expect } from 'chai';
import { MailSink } from '../../../test/support/mail-sink.js';
import { PorticoProcess } from '../../../test/support/processes.js';
import type { Portico } from '../../src/app/portico.js';
import { Delivery } from '../../src/messaging/messaging.entity.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import { waitFor } from '../jobs/wait.js';
import { createTestPortico, testSecretKey } from '../support/portico.js';
import { needsPostgres, needsRedis, redisUrl } from '../support/services.js';
import { isolatedRedisUrl } from './harness.js';

/**
 * SECURITY.md ★40, the crash case: a `portico worker` process is killed (SIGKILL) after the SMTP server
 * took the mail but before the worker heard "250 OK" and recorded it. Another worker delivers the job
 * again (BullMQ finds it stalled); the second copy carries the same Message-ID, so the recipient sees
 * one message, and the delivery log records it sent once. Nothing is lost.
 */
describe('messaging: a worker killed mid-job', function () {
  this.timeout(150_000);
  let sink: MailSink;
  let portico: Portico;
  let tenant: Tenant;
  let env: Record<string, string>;
  const workers: PorticoProcess[] = [];

  before(async function () {
    needsPostgres(this);
    needsRedis(this);
    // The sink answers 250 only after 4 s: the window in which the first worker is killed.
    sink = await MailSink.start({ acceptDelayMs: 4_000 });
    const secretKey = testSecretKey();
    portico = await createTestPortico('postgres', { PORTICO_SECRET_KEY: secretKey });
    tenant = await portico.tenants.create(portico.dataSource.manager, { slug: 'crash', name: 'Crash Inc' });
    env = {
      DATABASE_URL: portico.config.databaseUrl as string,
      REDIS_URL: isolatedRedisUrl(redisUrl()),
      SMTP_URL: sink.url,
      PORTICO_SECRET_KEY: secretKey,
      PUBLIC_URL: 'http://id.portico.test',
      MANAGEMENT_PORT: '0',
    };
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await portico?.close();
    await sink?.close();
  });

  it('the message is delivered by another worker and seen once (same Message-ID)', async () => {
    const id = await portico.dataSource.transaction((manager) =>
      portico.messaging.send(manager, {
        tenant,
        channel: 'email',
        kind: 'magic_link',
        to: 'crash@example.com',
        locale: 'en',
        variables: { link: 'https://id.portico.test/t/crash/magic/abc', expiresInMinutes: '15' },
      }),
    );
    const first = new PorticoProcess(['worker'], env);
    workers.push(first);
    await sink.waitForMail((m) => m.to.includes('crash@example.com'), 30_000);
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await portico.outbox.find(id))?.status).to.equal('enqueued');
    expect(await portico.dataSource.manager.countBy(Delivery, { outboxId: id, status: 'sent' })).to.equal(0);

    const second = new PorticoProcess(['worker'], env);
    workers.push(second);
    const done = await waitFor(
      'the second worker to finish the job',
      async () => {
        const row = await portico.outbox.find(id);
        return row?.status === 'done' ? row : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(done.status).to.equal('done');
    const copies = sink.mailsTo('crash@example.com');
    expect(copies.length, 'the SMTP server got the mail again').to.be.at.least(2);
    expect(sink.distinctMessageIds((m) => m.to.includes('crash@example.com'))).to.deep.equal([
      `<${id}@id.portico.test>`,
    ]);
    expect(await portico.dataSource.manager.countBy(Delivery, { outboxId: id, status: 'sent' })).to.equal(1);
  });
});
