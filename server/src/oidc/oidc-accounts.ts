import type { Account, AccountClaims, FindAccount } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { type HotStatement, hotStatements } from '../db/hot-statements.js';
import { profileClaims } from '../profiles/profile-fields.service.js';
import { batched } from '../shared/batched.js';
import type { User } from '../users/user.entity.js';
import { currentRequest, takeModel } from './oidc-prefetch.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Standard claims by scope (OIDC Core §5.4); `sub` is the user id. `acr` and `amr` ride with `openid`
 * so every ID token says how the user authenticated (ARCHITECTURE.md "Hosted pages": amr, acr).
 */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub', 'acr', 'amr'],
  profile: [
    'name',
    'given_name',
    'family_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'picture',
    'locale',
    'zoneinfo',
    'updated_at',
    // The tenant-defined profile fields' values, as one object by field key (README "GraphQL API").
    'profile_fields',
  ],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
};

/** The user's columns that claims are made of, and the keys of the tenant's profile fields. */
export type AccountUser = Pick<
  User,
  'id' | 'email' | 'emailVerified' | 'phone' | 'phoneVerified' | 'username' | 'profile'
> & { updatedAt: string | Date; fieldKeys: string[] };

/**
 * The claims' source of user `u` as one jsonb value (AccountUser), for statements that read accounts: this
 * finder's own, and a lookup that brings its account along (oidc-key-batches.ts). The tenant's
 * profile field keys (the `profile_fields` claim) come in the same value: one round trip fewer per
 * userinfo, refresh and code grant than reading them when claims are asked for.
 */
export const accountJson = (u: string): string => `jsonb_build_object('id', ${u}.id, 'email', ${u}.email,
  'emailVerified', ${u}.email_verified, 'phone', ${u}.phone, 'phoneVerified', ${u}.phone_verified,
  'username', ${u}.username, 'profile', ${u}.profile, 'updatedAt', ${u}.updated_at,
  'fieldKeys', ARRAY(SELECT f.key FROM profile_fields f WHERE f.tenant_id = ${u}.tenant_id))`;

/** Which users are accounts: the active ones. */
export const ACCOUNT_STATUS = 'active';

// Plain statements, batched (shared/batched.ts): findAccount runs on every userinfo, refresh and code
// grant (docs/PERFORMANCE.md), where TypeORM's query builder and entity hydration cost more CPU than the
// query, and concurrent requests share one round trip.
const FIND_ONE: HotStatement = {
  name: 'portico_oidc_account_one',
  text: `SELECT ${accountJson('u')} AS account FROM users u
  WHERE u.id = $1 AND u.tenant_id = $2 AND u.status = '${ACCOUNT_STATUS}'`,
};
const FIND_MANY: HotStatement = {
  name: 'portico_oidc_account_many',
  text: `SELECT k.i::int AS i, ${accountJson('u')} AS account
  FROM unnest($1::uuid[]) WITH ORDINALITY AS k(id, i)
  JOIN users u ON u.id = k.id AND u.tenant_id = $2 AND u.status = '${ACCOUNT_STATUS}'`,
};

/**
 * oidc-provider's `findAccount` for one tenant: only active users of that tenant are accounts. An account
 * read along with the request's token, Session or Interaction (oidc-prefetch.ts) is used instead of a
 * statement.
 */
export function accountFinder(dataSource: DataSource, tenantId: string): FindAccount {
  const run = hotStatements(dataSource);
  const findUser = batched(async (ids: string[]): Promise<(AccountUser | undefined)[]> => {
    if (ids.length === 1) {
      const rows = await run<{ account: AccountUser }>(FIND_ONE, [ids[0], tenantId]);
      return [rows[0]?.account];
    }
    const rows = await run<{ i: number; account: AccountUser }>(FIND_MANY, [ids, tenantId]);
    const found: (AccountUser | undefined)[] = new Array(ids.length).fill(undefined);
    for (const { i, account } of rows) found[i - 1] = account;
    return found;
  });
  return async (_ctx, sub) => {
    if (!UUID.test(sub)) return undefined;
    const prefetched = takeModel(currentRequest(), `Account:${sub.toLowerCase()}`) as AccountUser | undefined;
    const user = prefetched ?? (await findUser(sub));
    return user ? accountOf(user) : undefined;
  };
}

function accountOf(user: AccountUser): Account {
  return {
    accountId: user.id,
    async claims(): Promise<AccountClaims> {
      const p = user.profile as Record<string, unknown>;
      const str = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : undefined);
      const given = str('givenName');
      const family = str('familyName');
      return {
        sub: user.id,
        email: user.email ?? undefined,
        email_verified: user.email ? user.emailVerified : undefined,
        phone_number: user.phone ?? undefined,
        phone_number_verified: user.phone ? user.phoneVerified : undefined,
        given_name: given,
        family_name: family,
        name: str('name') ?? ([given, family].filter(Boolean).join(' ') || undefined),
        middle_name: str('middleName'),
        nickname: str('nickname'),
        preferred_username: user.username ?? undefined,
        picture: str('picture'),
        locale: str('locale'),
        zoneinfo: str('zoneinfo'),
        address:
          typeof p.address === 'object' && p.address !== null
            ? (p.address as AccountClaims['address'])
            : undefined,
        updated_at: Math.floor(new Date(user.updatedAt).getTime() / 1000),
        profile_fields: profileClaims(
          user,
          user.fieldKeys.map((key) => ({ key })),
        ),
      };
    },
  };
}
