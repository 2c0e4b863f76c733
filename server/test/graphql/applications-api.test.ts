import { expect } from 'chai';
import { needsPostgres } from '../support/services.js';
import { codesOf, type GraphqlServer, KEYS, startGraphqlServer } from './harness.js';

const CREATE = `mutation($input: CreateApplicationInput!) {
  createApplication(input: $input) { clientSecret application { id clientId confidential grantTypes redirectUris type } } }`;
const ROTATE = 'mutation($id: ID!) { rotateApplicationSecret(id: $id) { clientSecret application { id } } }';
const UPDATE = `mutation($id: ID!, $input: UpdateApplicationInput!) {
  updateApplication(id: $id, input: $input) { id name redirectUris } }`;
const DELETE = 'mutation($id: ID!) { deleteApplication(id: $id) }';
const LIST = '{ applications(first: 100) { edges { node { id clientId confidential } } } }';

interface Created {
  createApplication: {
    clientSecret: string | null;
    application: { id: string; clientId: string; confidential: boolean };
  };
}

/**
 * Applications through GraphQL: the client secret is shown once and never readable, and every change
 * reaches the tenant's OIDC provider at once (the token endpoint sees it without a restart).
 */
describe('GraphQL applications: create, rotate the secret, update, delete', function () {
  this.timeout(60_000);
  let api: GraphqlServer;

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
  });
  after(async () => api?.close());

  async function clientCredentials(clientId: string, secret: string): Promise<number> {
    const res = await fetch(`${api.server.issuer('acme')}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    return res.status;
  }

  it('creates a confidential client whose secret works at once, rotates it, and deletes the client', async () => {
    const created = await api.gql<Created>(
      CREATE,
      {
        input: {
          name: 'Backend',
          type: 'oidc',
          clientId: 'backend',
          confidential: true,
          grantTypes: ['client_credentials'],
        },
      },
      KEYS.acmeAdmin,
    );
    expect(created.errors).to.equal(undefined);
    const { clientSecret, application } = created.data!.createApplication;
    expect(clientSecret).to.be.a('string').with.length.greaterThan(30);
    expect(application).to.include({ clientId: 'backend', confidential: true });
    expect(await clientCredentials('backend', clientSecret!)).to.equal(200);

    const listed = await api.gql(LIST, {}, KEYS.acmeAdmin);
    expect(JSON.stringify(listed.data)).to.not.contain(clientSecret!);

    const rotated = await api.gql<{ rotateApplicationSecret: { clientSecret: string } }>(
      ROTATE,
      { id: application.id },
      KEYS.acmeAdmin,
    );
    const newSecret = rotated.data!.rotateApplicationSecret.clientSecret;
    expect(newSecret).to.not.equal(clientSecret);
    expect(await clientCredentials('backend', clientSecret!)).to.equal(401);
    expect(await clientCredentials('backend', newSecret)).to.equal(200);

    const deleted = await api.gql(DELETE, { id: application.id }, KEYS.acmeAdmin);
    expect(deleted.errors).to.equal(undefined);
    expect(await clientCredentials('backend', newSecret)).to.equal(401);
  });

  it('creates public clients without a secret, refuses client_credentials for them, and updates URIs', async () => {
    const refused = await api.gql(
      CREATE,
      { input: { name: 'SPA', type: 'oidc', grantTypes: ['client_credentials'] } },
      KEYS.acmeAdmin,
    );
    expect(codesOf(refused)).to.deep.equal(['BAD_USER_INPUT']);
    const created = await api.gql<Created>(
      CREATE,
      { input: { name: 'SPA', type: 'oidc', redirectUris: ['https://spa.example/cb'] } },
      KEYS.acmeAdmin,
    );
    const { clientSecret, application } = created.data!.createApplication;
    expect(clientSecret).to.equal(null);
    expect(application.confidential).to.equal(false);
    expect(application.clientId).to.match(/^[A-Za-z0-9_-]{16,}$/);
    const updated = await api.gql<{ updateApplication: { redirectUris: string[] } }>(
      UPDATE,
      { id: application.id, input: { redirectUris: ['https://spa.example/callback'] } },
      KEYS.acmeAdmin,
    );
    expect(updated.data!.updateApplication.redirectUris).to.deep.equal(['https://spa.example/callback']);
    const invalid = await api.gql(
      UPDATE,
      { id: application.id, input: { redirectUris: ['not a url'] } },
      KEYS.acmeAdmin,
    );
    expect(codesOf(invalid)).to.deep.equal(['BAD_USER_INPUT']);
  });
});
