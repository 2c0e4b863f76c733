import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { Authorized, Query, Resolver } from 'type-graphql';
import { assertEveryRootFieldAuthorized } from '../../src/graphql/authorization.js';
import { apiKeyPermissions, userPermissions } from '../../src/graphql/principal.js';
import { decodeCursor, encodeCursor } from '../../src/graphql/relay.js';
import { RESOLVERS, schemaSdl } from '../../src/graphql/schema.js';
import { isAppError } from '../../src/shared/errors.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import { repoRoot } from '../support/portico.js';

/** The checked-in schema.graphql, the deny-by-default rule for root fields, cursors and permissions. */
describe('GraphQL schema and building blocks', () => {
  it('schema.graphql at the repository root matches the code (regenerate with `npm run schema`)', () => {
    // Compared as schemas (types, fields, arguments, defaults, descriptions), not as text: the file is
    // formatted by Biome.
    const checkedIn = buildSchema(readFileSync(path.join(repoRoot, 'schema.graphql'), 'utf8'));
    expect(
      printSchema(lexicographicSortSchema(checkedIn)),
      'schema.graphql drifted from the code: run `npm run schema` and commit it',
    ).to.equal(schemaSdl().trimEnd());
  });

  it('keeps the names pinned for outside scripts', () => {
    const sdl = schemaSdl();
    for (const field of [
      'id: ID!',
      'email: String',
      'emailVerified: Boolean!',
      'phone: String',
      'status: UserStatus!',
      'profile: JSONObject!',
      'createdAt: DateTimeISO!',
    ]) {
      expect(sdl.slice(sdl.indexOf('type User implements Node'))).to.contain(field);
    }
    expect(sdl).to.contain('createUser(input: CreateUserInput!): User!');
    expect(sdl).to.match(/input CreateUserInput \{\s+email: String!\s+emailVerified: Boolean\s+/);
    for (const name of [
      'users(',
      'user(id: ID!)',
      'node(id: ID!)',
      'me: User!',
      'tenants(',
      'auditEvents(',
    ]) {
      expect(sdl).to.contain(name);
    }
  });

  it('refuses to build when a root field has no @Authorized (deny by default)', () => {
    @Resolver()
    class CarelessResolver {
      @Query(() => String)
      leak(): string {
        return 'anyone';
      }
    }
    @Resolver()
    class CarefulResolver {
      @Authorized('users:read')
      @Query(() => String)
      guarded(): string {
        return 'x';
      }
    }
    expect(() => assertEveryRootFieldAuthorized([...RESOLVERS, CarefulResolver])).to.not.throw();
    expect(() => assertEveryRootFieldAuthorized([CarelessResolver])).to.throw(/CarelessResolver\.leak/);
  });

  it('cursors are opaque, round-trip, and only ones this API issued are accepted', () => {
    const position = { micros: 1_733_000_000_123_456n, id: '6f1c1f2e-8f7a-4c55-9a2b-0c1d2e3f4a5b' };
    const cursor = encodeCursor('users', position);
    expect(cursor).to.match(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('users', cursor)).to.deep.equal(position);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const refused = [
      encodeCursor('auditEvents', position),
      b64({ k: 'users', t: '1', i: position.id, extra: 1 }),
      b64({ k: 'users', t: '-1', i: position.id }),
      b64({ k: 'users', t: 1733000000, i: position.id }),
      b64({ k: 'users', t: '1', i: "' OR 1=1 --" }),
      b64({ k: 'users', t: '123456789012345678', i: position.id }),
      b64(['users', '1', position.id]),
      'a'.repeat(300),
      'not base64!',
    ];
    for (const bad of refused) {
      let error: unknown;
      try {
        decodeCursor('users', bad);
      } catch (e) {
        error = e;
      }
      expect(isAppError(error) && error.code, bad).to.equal('invalid_cursor');
    }
  });

  it('maps scopes and roles to permissions; tenants:* only in tenant system', () => {
    const acme = { slug: 'acme' } as Tenant;
    const system = { slug: 'system' } as Tenant;
    expect([...apiKeyPermissions(acme, ['users:read'])]).to.deep.equal(['users:read']);
    expect([...apiKeyPermissions(acme, ['users:write'])].sort()).to.deep.equal(['users:read', 'users:write']);
    expect(apiKeyPermissions(acme, ['admin']).has('tenants:write')).to.equal(false);
    expect(apiKeyPermissions(acme, ['tenants:write']).size).to.equal(0);
    expect(apiKeyPermissions(system, ['admin']).has('tenants:write')).to.equal(true);
    expect(apiKeyPermissions(acme, ['admin']).has('self')).to.equal(false);
    expect([...userPermissions(acme, [])]).to.deep.equal(['self']);
    expect(userPermissions(acme, ['viewer']).has('users:write')).to.equal(false);
    expect(userPermissions(acme, ['viewer']).has('users:read')).to.equal(true);
    expect(userPermissions(acme, ['admin']).has('tenants:read')).to.equal(false);
    expect(userPermissions(system, ['admin']).has('tenants:write')).to.equal(true);
  });
});
