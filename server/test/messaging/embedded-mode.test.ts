import { expect } from 'chai';
import { loadConfig } from '../../src/config/config.js';
import { createEmailTransport } from '../../src/messaging/messaging.jobs.js';
import { capturingLogger } from '../jobs/outbox.harness.js';

/** Embedded mode (no SMTP_URL): mail is written to the log so an evaluator can follow its links. */
describe('messaging in embedded mode', () => {
  it('without SMTP_URL, an email is logged (link included) instead of sent', async () => {
    const { logger, lines } = capturingLogger();
    const transport = createEmailTransport(loadConfig({ PORTICO_DATA_DIR: 'memory://' }), logger);
    expect(transport.name).to.equal('log');
    const sent = await transport.send({
      from: 'Portico <no-reply@localhost>',
      to: 'eve@example.com',
      subject: 'Your sign-in link',
      text: 'Open http://localhost:3000/t/default/magic/xyz',
      html: '<p>…</p>',
      messageId: '<id-1@localhost>',
    });
    expect(sent.providerMessageId).to.equal('<id-1@localhost>');
    const line = lines.find((l) => l.msg === 'email (no SMTP_URL: logged, not sent)');
    expect(line?.email).to.deep.include({
      to: 'eve@example.com',
      text: 'Open http://localhost:3000/t/default/magic/xyz',
    });
  });

  it('with SMTP_URL, mail goes over SMTP', () => {
    const config = loadConfig({ PORTICO_DATA_DIR: 'memory://', SMTP_URL: 'smtp://127.0.0.1:2525' });
    const transport = createEmailTransport(config, capturingLogger().logger);
    expect(transport.name).to.equal('smtp');
    transport.close();
  });
});
