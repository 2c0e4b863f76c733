import { expect } from 'chai';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { OutboxMessage } from '../../src/jobs/outbox.entity.js';
import { SmsProvider } from '../../src/messaging/messaging.entity.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { codesOf, type GraphqlServer, KEYS, startGraphqlServer } from './harness.js';

const SET_TEMPLATE = `mutation($input: SetMessageTemplateInput!) {
  setMessageTemplate(input: $input) { id kind channel locale subject textBody htmlBody } }`;
const TEMPLATES = `query($filter: MessageTemplatesFilter) { messageTemplates(filter: $filter) { kind channel locale subject } }`;
const DELETE_TEMPLATE = `mutation { deleteMessageTemplate(kind: password_reset, channel: email, locale: de) { id } }`;
const CREATE_PROVIDER = `mutation($input: CreateSmsProviderInput!) {
  createSmsProvider(input: $input) { id name kind priority enabled url from accountSid } }`;
const UPDATE_PROVIDER = `mutation($id: ID!, $input: UpdateSmsProviderInput!) {
  updateSmsProvider(id: $id, input: $input) { id priority enabled } }`;
const DELIVERIES = `query($filter: DeliveriesFilter, $after: String) {
  deliveries(first: 2, after: $after, filter: $filter) {
    edges { node { messageId channel recipient status attempt messageStatus } } pageInfo { hasNextPage endCursor } } }`;

/** Messaging administration through GraphQL: templates, SMS providers, the delivery log, dead letters. */
describe('GraphQL messaging: templates, SMS providers, deliveries', function () {
  this.timeout(60_000);
  let api: GraphqlServer;

  before(async () => {
    api = await startGraphqlServer('pglite');
  });
  after(async () => api?.close());

  const portico = () => api.server.portico;
  const acme = () => portico().dataSource.manager.findOneByOrFail(Tenant, { slug: 'acme' });

  it('sets, lists and deletes a tenant template, audited; unknown variables are refused with a code', async () => {
    const input = {
      kind: 'password_reset',
      channel: 'email',
      locale: 'de',
      subject: 'Neues Passwort für {{tenantName}}',
      textBody: 'Hier: {{link}} ({{expiresInMinutes}} min)',
    };
    const set = await api.gql(SET_TEMPLATE, { input }, KEYS.acmeAdmin);
    expect(set.errors).to.equal(undefined);
    const listed = await api.gql(TEMPLATES, { filter: { kind: 'password_reset' } }, KEYS.acmeAdmin);
    expect(listed.data?.messageTemplates).to.deep.equal([
      { kind: 'password_reset', channel: 'email', locale: 'de', subject: input.subject },
    ]);
    const bad = await api.gql(SET_TEMPLATE, { input: { ...input, textBody: '{{code}}' } }, KEYS.acmeAdmin);
    expect(codesOf(bad)).to.deep.equal(['BAD_USER_INPUT']);
    expect(bad.errors?.[0]?.extensions).to.include({ reason: 'messaging_invalid_template' });
    expect(bad.errors?.[0]?.extensions?.fields).to.have.property('textBody');
    expect((await api.gql(DELETE_TEMPLATE, {}, KEYS.acmeAdmin)).errors).to.equal(undefined);
    expect(codesOf(await api.gql(DELETE_TEMPLATE, {}, KEYS.acmeAdmin))).to.deep.equal(['NOT_FOUND']);
    const actions = (
      await portico().dataSource.manager.findBy(AuditEvent, { targetType: 'message_template' })
    ).map((e) => e.action);
    expect(actions).to.include.members(['message_template.set', 'message_template.deleted']);
  });

  it('manages SMS providers with a write-only secret; readers cannot write', async () => {
    const input = {
      name: 'primary',
      kind: 'twilio',
      url: 'https://api.twilio.example',
      from: '+15555550000',
      accountSid: 'AC123',
      secret: 'a-twilio-auth-token',
      priority: 5,
    };
    const created = await api.gql<{ createSmsProvider: { id: string } }>(
      CREATE_PROVIDER,
      { input },
      KEYS.acmeAdmin,
    );
    expect(created.errors).to.equal(undefined);
    const id = created.data!.createSmsProvider.id;
    expect(JSON.stringify(created.data)).to.not.include('a-twilio-auth-token');
    const stored = await portico().dataSource.manager.findOneByOrFail(SmsProvider, { id });
    expect(stored.secretEncrypted).to.not.include('a-twilio-auth-token');
    const updated = await api.gql(
      UPDATE_PROVIDER,
      { id, input: { priority: 1, enabled: false } },
      KEYS.acmeAdmin,
    );
    expect(updated.data?.updateSmsProvider).to.deep.equal({ id, priority: 1, enabled: false });
    const noSid = await api.gql(
      CREATE_PROVIDER,
      { input: { ...input, name: 'x', accountSid: null } },
      KEYS.acmeAdmin,
    );
    expect(codesOf(noSid)).to.deep.equal(['BAD_USER_INPUT']);
    expect(noSid.errors?.[0]?.extensions?.fields).to.have.property('accountSid');
    const reader = await api.gql(CREATE_PROVIDER, { input: { ...input, name: 'y' } }, KEYS.acmeReader);
    expect(codesOf(reader)).to.deep.equal(['FORBIDDEN']);
    const deleted = await api.gql(
      `mutation($id: ID!) { deleteSmsProvider(id: $id) { id } }`,
      { id },
      KEYS.acmeAdmin,
    );
    expect(deleted.errors).to.equal(undefined);
    expect(await portico().dataSource.manager.countBy(SmsProvider, { id })).to.equal(0);
  });

  it('pages the delivery log with filters, and lists dead messages', async () => {
    const tenant = await acme();
    const send = (to: string, channel: 'email' | 'sms') =>
      portico().dataSource.transaction((m) =>
        portico().messaging.send(m, {
          tenant,
          channel,
          kind: channel === 'sms' ? 'sms_otp' : 'email_otp',
          to,
          locale: 'en',
          variables: { code: '1', expiresInMinutes: '5' },
        }),
      );
    const ids = [
      await send('a@example.com', 'email'),
      await send('b@example.com', 'email'),
      await send('+15555550301', 'sms'),
    ];
    const emails = await api.gql<{
      deliveries: {
        edges: { node: { messageId: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    }>(DELIVERIES, { filter: { channel: 'email', status: 'queued' } }, KEYS.acmeAdmin);
    expect(emails.errors).to.equal(undefined);
    expect(emails.data!.deliveries.edges.map((e) => e.node.messageId)).to.deep.equal([ids[1], ids[0]]);
    const byRecipient = await api.gql(DELIVERIES, { filter: { recipient: '+15555550301' } }, KEYS.acmeAdmin);
    expect(byRecipient.data?.deliveries).to.deep.include({
      edges: [
        {
          node: {
            messageId: ids[2],
            channel: 'sms',
            recipient: '+15555550301',
            status: 'queued',
            attempt: 0,
            messageStatus: 'pending',
          },
        },
      ],
    });
    await portico().dataSource.manager.update(
      OutboxMessage,
      { id: ids[0] },
      { status: 'dead', attempts: 8, lastError: 'smtp down' },
    );
    const dead = await api.gql(
      '{ deadMessages { id channel kind recipient attempts lastError } }',
      {},
      KEYS.acmeAdmin,
    );
    expect(dead.data?.deadMessages).to.deep.equal([
      {
        id: ids[0],
        channel: 'email',
        kind: 'email_otp',
        recipient: 'a@example.com',
        attempts: 8,
        lastError: 'smtp down',
      },
    ]);
    const other = await api.gql(
      '{ deadMessages { id } deliveries { edges { cursor } } }',
      {},
      KEYS.umbrellaAdmin,
    );
    expect(other.data).to.deep.equal({ deadMessages: [], deliveries: { edges: [] } });
  });
});
