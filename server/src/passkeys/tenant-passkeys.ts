import type { DataSource } from 'typeorm';

/**
 * How long this process believes a tenant without passkeys still has none: 5 seconds. Long enough that
 * the identifier page of such a tenant costs at most one statement per process every 5 s however busy
 * it is; short enough that a passkey registered through another serve process (WEB_CONCURRENCY, other
 * replicas) gets its "Sign in with a passkey" button here within seconds — a user who just registered
 * one signs out and back in well after that.
 */
export const NO_PASSKEYS_RECHECK_MS = 5_000;

/**
 * How long this process believes a tenant with passkeys still has some: a minute. When its last passkey
 * is removed (by its user, an admin or an erasure, in any process), the button goes away within it; until
 * then it only opens a passkey prompt with nothing to pick.
 */
export const PASSKEYS_RECHECK_MS = 60_000;

export interface TenantPasskeysOptions {
  /** Epoch milliseconds (tests move it). */
  now?: () => number;
  /** How long a "no" is kept. */
  recheckAfterMs?: number;
  /** How long a "yes" is kept. */
  yesRecheckAfterMs?: number;
}

type Known =
  | { kind: 'answered'; found: boolean; checkedAt: number }
  | { kind: 'checking'; answer: Promise<boolean> };
const HAS_PASSKEYS = `SELECT EXISTS (SELECT 1 FROM credentials
  WHERE tenant_id = $1 AND webauthn_credential_id IS NOT NULL) AS found`;

/**
 * Whether any user of a tenant has a passkey, which the identifier page asks on every render (it offers
 * passkey sign-in and autofill only then: docs/PERFORMANCE.md). Kept per process and tenant: "yes" for
 * PASSKEYS_RECHECK_MS, "no" for NO_PASSKEYS_RECHECK_MS, and a passkey registered by this process turns it
 * to "yes" at once (`added`). Concurrent checks of one tenant share one statement; a failed check is not
 * kept.
 */
export class TenantPasskeys {
  private readonly known = new Map<string, Known>();
  private readonly now: () => number;
  private readonly recheckAfterMs: number;
  private readonly yesRecheckAfterMs: number;

  constructor(
    private readonly dataSource: Pick<DataSource, 'query'>,
    options: TenantPasskeysOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.recheckAfterMs = options.recheckAfterMs ?? NO_PASSKEYS_RECHECK_MS;
    this.yesRecheckAfterMs = options.yesRecheckAfterMs ?? PASSKEYS_RECHECK_MS;
  }

  async has(tenantId: string): Promise<boolean> {
    const known = this.known.get(tenantId);
    if (known?.kind === 'checking') return known.answer;
    if (known && this.now() - known.checkedAt < (known.found ? this.yesRecheckAfterMs : this.recheckAfterMs))
      return known.found;
    return this.check(tenantId);
  }

  /** This process has just stored a passkey of the tenant (after its transaction committed). */
  added(tenantId: string): void {
    this.known.set(tenantId, { kind: 'answered', found: true, checkedAt: this.now() });
  }

  private check(tenantId: string): Promise<boolean> {
    // Counted from the start: a passkey committed while the statement runs is seen by the next check.
    const checkedAt = this.now();
    const answer = this.dataSource.query(HAS_PASSKEYS, [tenantId]).then(
      (rows: { found: boolean }[]) => {
        const found = rows[0]?.found === true;
        if (this.known.get(tenantId) === checking) {
          this.known.set(tenantId, { kind: 'answered', found, checkedAt });
          return found;
        }
        const meanwhile = this.known.get(tenantId); // a passkey `added` meanwhile wins
        return found || (meanwhile?.kind === 'answered' && meanwhile.found);
      },
      (error: unknown) => {
        if (this.known.get(tenantId) === checking) this.known.delete(tenantId);
        throw error;
      },
    );
    const checking: Known = { kind: 'checking', answer };
    this.known.set(tenantId, checking);
    return answer;
  }
}
