import { expect } from 'chai';
import { Delivery } from '../../src/messaging/messaging.entity.js';
import { isAppError } from '../../src/shared/errors.js';
import { sleep, waitFor } from '../jobs/wait.js';
import { needsPostgres, needsRedis, redisUrl } from '../support/services.js';
import { isolatedRedisUrl, MessagingHarness, statuses } from './harness.js';

/**
 * Messages end to end through the real composition root: send() in a transaction → outbox → relay →
 * queue → worker → SMTP sink / SMS receiver → deliveries. The same story runs in embedded shape
 * (PGlite, in-process queue) and in production shape (PostgreSQL, BullMQ on Redis), STYLE.md §8.
 */
const MODES = [
  { title: 'PGlite, in-process queue', kind: 'pglite' as const, redis: false },
  { title: 'PostgreSQL, BullMQ', kind: 'postgres' as const, redis: true },
];

for (const mode of MODES) {
  describe(`messaging delivery [${mode.title}]`, function () {
    this.timeout(60_000);
    let h: MessagingHarness;

    before(async function () {
      if (mode.kind === 'postgres') needsPostgres(this);
      if (mode.redis) needsRedis(this);
      h = await MessagingHarness.start(
        mode.kind,
        mode.redis ? { REDIS_URL: isolatedRedisUrl(redisUrl()) } : {},
      );
    });
    after(async () => h?.close());

    it('delivers an email once, branded, from the tenant address, with a Message-ID from the outbox id', async () => {
      const tenant = await h.createTenant(`from-${mode.kind}`, {
        branding: { displayName: 'Globex', primaryColor: '#112233' },
        messaging: { email: { from: 'Globex Support <support@globex.test>' } },
      });
      const id = await h.send({ tenant, to: 'alice@example.com', kind: 'email_otp', locale: 'de' });
      const mail = await h.sink.waitForMail((m) => m.messageId === `<${id}@id.portico.test>`);
      expect(mail.from).to.equal('"Globex Support" <support@globex.test>');
      expect(mail.subject).to.equal('Ihr Code für Globex: 123456');
      expect(mail.text).to.contain('Ihr Anmeldecode lautet 123456.');
      expect(mail.html).to.contain('#112233').and.to.contain('<html lang="de">');
      await h.finished(id);
      expect(statuses(await h.deliveries(id))).to.deep.equal(['queued', 'sent']);
      const sent = (await h.deliveries(id))[1] as Delivery;
      expect(sent).to.include({ provider: 'smtp', providerMessageId: `<${id}@id.portico.test>`, attempt: 1 });
      const metrics = await h.portico.metrics.registry.getSingleMetricAsString('portico_messages_total');
      expect(metrics).to.match(
        /portico_messages_total\{channel="email",provider="smtp",outcome="sent"\} [1-9]/,
      );
    });

    it('SMTP down: the job retries with backoff and the mail arrives once SMTP is back (SECURITY.md ★40)', async () => {
      await h.sink.stop();
      const id = await h.send({ to: 'outage@example.com' });
      // Two failed attempts while the server is down, the second after the first backoff.
      const failed = await waitFor('two failed attempts', async () => {
        const rows = (await h.deliveries(id)).filter((r) => r.status === 'failed');
        return rows.length >= 2 ? rows : undefined;
      });
      expect(failed[1]!.createdAt.getTime() - failed[0]!.createdAt.getTime()).to.be.at.least(900);
      expect((await h.portico.outbox.find(id))?.status).to.not.equal('dead');
      await h.sink.start();
      await h.sink.waitForMail((m) => m.to.includes('outage@example.com'), 20_000);
      const row = await h.finished(id);
      expect(row.status).to.equal('done');
      await sleep(300);
      expect(h.sink.mailsTo('outage@example.com')).to.have.length(1);
      expect(statuses(await h.deliveries(id)).at(-1)).to.equal('sent');
    });

    it('drops a one-time code whose expiry passed before it could be sent (SECURITY.md ★40)', async () => {
      await h.sink.stop();
      const id = await h.send({ to: 'late@example.com', expiresAt: new Date(Date.now() + 1_500) });
      await waitFor('a failed attempt', async () =>
        (await h.deliveries(id)).some((r) => r.status === 'failed'),
      );
      await sleep(1_600);
      await h.sink.start();
      const row = await h.finished(id, 20_000);
      expect(row.status).to.equal('dropped');
      await sleep(300);
      expect(h.sink.mailsTo('late@example.com')).to.deep.equal([]);
      const rows = await h.deliveries(id);
      expect(statuses(rows)).to.not.include('sent');
      expect(rows.at(-1)).to.include({ status: 'dropped', error: 'expired before it could be sent' });
    });

    it('a code already expired when the relay claims it is dropped without an attempt', async () => {
      const id = await h.send({ to: 'never@example.com', expiresAt: new Date(Date.now() - 1_000) });
      expect((await h.finished(id)).status).to.equal('dropped');
      expect(statuses(await h.deliveries(id))).to.deep.equal(['queued', 'dropped']);
      expect(h.sink.mailsTo('never@example.com')).to.deep.equal([]);
    });

    it('sends SMS through a Twilio-compatible API with basic auth and the idempotency header', async () => {
      const tenant = await h.createTenant(`twilio-${mode.kind}`, { branding: { displayName: 'Initech' } });
      await h.addSmsProvider({ name: 'twilio', kind: 'twilio', url: `${h.receiver.url}/twilio` }, tenant);
      const id = await h.send({ tenant, channel: 'sms', kind: 'sms_otp', to: '+15555550101', locale: 'fr' });
      const sms = await h.receiver.waitForSms((s) => s.to === '+15555550101');
      expect(sms).to.include({
        api: 'twilio',
        from: '+15555550000',
        accountSid: 'AC0123456789',
        authToken: 'twilio-auth-token',
      });
      expect(sms.path).to.equal('/twilio/2010-04-01/Accounts/AC0123456789/Messages.json');
      expect(sms.idempotencyKey).to.equal(id);
      expect(sms.body).to.equal('123456 est votre code Initech. Il expire dans 10 minutes.');
      await h.finished(id);
      const sent = (await h.deliveries(id)).find((r) => r.status === 'sent');
      expect(sent).to.include({ provider: 'twilio', channel: 'sms' });
      expect(sent?.providerMessageId).to.match(/^SM\d{32}$/);
    });

    it('fails over to the next provider in priority order, which gets a signed webhook', async () => {
      const tenant = await h.createTenant(`failover-${mode.kind}`);
      await h.addSmsProvider(
        { name: 'second', kind: 'webhook', priority: 20, url: `${h.receiver.url}/second` },
        tenant,
      );
      await h.addSmsProvider(
        { name: 'first', kind: 'twilio', priority: 10, url: `${h.receiver.url}/first` },
        tenant,
      );
      h.receiver.failAlways('/first');
      try {
        const id = await h.send({ tenant, channel: 'sms', kind: 'phone_verification', to: '+15555550102' });
        const sms = await h.receiver.waitForSms((s) => s.to === '+15555550102');
        expect(sms).to.include({ api: 'webhook', path: '/second', signatureValid: true, idempotencyKey: id });
        expect(h.receiver.attempts.filter((a) => a.path.startsWith('/first'))).to.have.length.at.least(1);
        await h.finished(id);
        expect((await h.deliveries(id)).find((r) => r.status === 'sent')?.provider).to.equal('second');
      } finally {
        h.receiver.recover('/first');
      }
    });

    it('when every provider fails, the attempt fails and the job retries until one accepts', async () => {
      const tenant = await h.createTenant(`allfail-${mode.kind}`);
      await h.addSmsProvider({ name: 'only', kind: 'webhook', url: `${h.receiver.url}/only` }, tenant);
      h.receiver.failNext('/only', 2, 500);
      const id = await h.send({ tenant, channel: 'sms', kind: 'sms_otp', to: '+15555550103' });
      await h.receiver.waitForSms((s) => s.to === '+15555550103', 20_000);
      await h.finished(id);
      const rows = await h.deliveries(id);
      expect(statuses(rows)).to.deep.equal(['queued', 'failed', 'failed', 'sent']);
      expect(rows[1]?.error).to.contain('messaging_sms_providers_failed');
    });

    it('limits SMS per number, per IP and per tenant per day, with a stable code (SMS pumping)', async () => {
      const tenant = await h.createTenant(`limits-${mode.kind}`, {
        messaging: { sms: { perNumberPerHour: 2, perIpPerHour: 3, perTenantPerDay: 5 } },
      });
      const sms = (to: string, ip: string) =>
        h.send({ tenant, channel: 'sms', kind: 'sms_otp', to, ip }).then(
          () => 'sent',
          (error: unknown) => (isAppError(error) ? `${error.code}:${String(error.details?.limit)}` : 'other'),
        );
      expect(await sms('+15555550201', '198.51.100.1')).to.equal('sent');
      expect(await sms('+15555550201', '198.51.100.1')).to.equal('sent');
      expect(await sms('+15555550201', '198.51.100.2')).to.equal('messaging_sms_limited:number');
      expect(await sms('+15555550202', '198.51.100.1')).to.equal('sent');
      expect(await sms('+15555550203', '198.51.100.1')).to.equal('messaging_sms_limited:ip');
      expect(await sms('+15555550204', '198.51.100.3')).to.equal('sent');
      expect(await sms('+15555550205', '198.51.100.4')).to.equal('sent');
      expect(await sms('+15555550206', '198.51.100.5')).to.equal('messaging_sms_limited:tenant');
      // A refused SMS wrote nothing: no outbox row, no delivery.
      const queued = await h.portico.dataSource.manager.countBy(Delivery, {
        tenantId: tenant.id,
        status: 'queued',
      });
      expect(queued).to.equal(5);
    });
  });
}
