import type { Account, AccountClaims, FindAccount } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import type { User } from '../users/user.entity.js';

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
  ],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
};

/** The user's columns that claims are made of. */
type AccountUser = Pick<
  User,
  'id' | 'email' | 'emailVerified' | 'phone' | 'phoneVerified' | 'username' | 'profile' | 'updatedAt'
>;

// One plain statement: findAccount runs on every userinfo, refresh and code grant (docs/PERFORMANCE.md),
// where TypeORM's query builder and entity hydration cost more CPU than the query itself.
const FIND_ACTIVE_USER = `SELECT id, email, email_verified AS "emailVerified", phone, phone_verified AS "phoneVerified",
    username, profile, updated_at AS "updatedAt"
  FROM users WHERE id = $1 AND tenant_id = $2 AND status = 'active'`;

/** oidc-provider's `findAccount` for one tenant: only active users of that tenant are accounts. */
export function accountFinder(dataSource: DataSource, tenantId: string): FindAccount {
  return async (_ctx, sub) => {
    if (!UUID.test(sub)) return undefined;
    const [user]: AccountUser[] = await dataSource.query(FIND_ACTIVE_USER, [sub, tenantId]);
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
      };
    },
  };
}
