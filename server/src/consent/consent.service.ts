import { type EntityManager, QueryFailedError } from 'typeorm';
import type { Actor, AuditLog, ChangedBy } from '../audit/audit.service.js';
import { isLocale } from '../i18n/locales.js';
import {
  CONSENT_SOURCES,
  type ConsentDecision,
  ConsentPolicy,
  ConsentRecord,
  type ConsentSource,
  POLICY_KINDS,
  type PolicyKind,
} from './consent.entity.js';
import { ConsentErrors } from './consent.errors.js';

export const POLICY_KEY_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
const MAX_TITLE = 300;
const MAX_URL = 2048;

/** What a new policy version says; omitted fields are copied from the current version (or defaulted). */
export interface PolicyDeclaration {
  key: string;
  kind?: PolicyKind;
  required?: boolean;
  title?: Record<string, string>;
  url?: string | null;
}

/** Who decided, from where: copied onto the receipt (ip, user agent) and the audit event (actor). */
export interface DecisionContext {
  tenantId: string;
  userId: string;
  source: ConsentSource;
  ip?: string | null;
  userAgent?: string | null;
  /** The audit actor; the user themself when omitted. */
  actor?: Actor;
}

/** One policy as a user stands with it: its current version and the user's latest decision on the key. */
export interface ConsentState {
  policy: ConsentPolicy;
  decision: ConsentDecision | null;
  /** The version the latest decision was about (an older one after a new version was published). */
  decidedVersion: number | null;
  decidedAt: Date | null;
  /** Required, and the current version is not granted: the next login asks for it. */
  pending: boolean;
}

interface LatestDecisionRow {
  key: string;
  version: number;
  decision: ConsentDecision;
  created_at: Date;
}

/**
 * Versioned consent policies and the receipts of users' decisions (issue 5 "Consent"). The latest
 * decision per policy key counts: a required policy whose current version the user has not granted
 * is pending, and the next login asks for it again. Every receipt writes an audit event too.
 */
export class ConsentService {
  constructor(private readonly audit: AuditLog) {}

  /** Publishes a new version (version + 1) of the policy `key`; the first one is version 1. */
  async publish(
    manager: EntityManager,
    tenantId: string,
    declared: PolicyDeclaration,
    by: ChangedBy,
  ): Promise<ConsentPolicy> {
    assertPolicyDeclaration(declared);
    const previous = await this.latestVersion(manager, tenantId, declared.key, true);
    const row = manager.create(ConsentPolicy, {
      tenantId,
      key: declared.key,
      version: (previous?.version ?? 0) + 1,
      kind: declared.kind ?? previous?.kind ?? 'custom',
      required: declared.required ?? previous?.required ?? false,
      title: declared.title ?? previous?.title ?? {},
      url: declared.url !== undefined ? declared.url : (previous?.url ?? null),
    });
    let policy: ConsentPolicy;
    try {
      policy = await manager.save(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw ConsentErrors.publishConflict(declared.key);
      throw error;
    }
    await this.audit.record(manager, {
      tenantId,
      actor: by.actor,
      ip: by.ip ?? null,
      userAgent: by.userAgent ?? null,
      action: 'consent_policy.published',
      target: { type: 'consent_policy', id: policy.id },
      data: { key: policy.key, version: policy.version, required: policy.required, kind: policy.kind },
    });
    return policy;
  }

  /** The highest version of `key`, or null; `lock` takes it FOR UPDATE (publishing serializes on it). */
  async latestVersion(
    manager: EntityManager,
    tenantId: string,
    key: string,
    lock = false,
  ): Promise<ConsentPolicy | null> {
    const query = manager
      .createQueryBuilder(ConsentPolicy, 'p')
      .where('p.tenant_id = :tenantId AND p.key = :key', { tenantId, key })
      .orderBy('p.version', 'DESC')
      .limit(1);
    if (lock) query.setLock('pessimistic_write');
    return query.getOne();
  }

  /** The current (highest) version of every policy of the tenant, by key. */
  async currentPolicies(manager: EntityManager, tenantId: string): Promise<ConsentPolicy[]> {
    const rows: PolicyRow[] = await manager.query(CURRENT_POLICIES, [tenantId]);
    return rows.map(policyOf);
  }

  /** Every version of `key`, newest first. */
  async versions(manager: EntityManager, tenantId: string, key: string): Promise<ConsentPolicy[]> {
    return manager.find(ConsentPolicy, { where: { tenantId, key }, order: { version: 'DESC' } });
  }

  /** Where the user stands with every current policy of the tenant (one statement: this runs per login). */
  async stateFor(manager: EntityManager, tenantId: string, userId: string): Promise<ConsentState[]> {
    return (await this.statesFor(manager, tenantId, [userId])).get(userId) ?? [];
  }

  /**
   * `stateFor` of several users of the tenant in one statement (GraphQL `users { consents }`), by user id
   * as given.
   */
  async statesFor(
    manager: EntityManager,
    tenantId: string,
    userIds: readonly string[],
  ): Promise<Map<string, ConsentState[]>> {
    const rows: (PolicyRow & StateColumns & { user_id: string })[] = await manager.query(
      `WITH current AS (${CURRENT_POLICIES}),
       asked AS (SELECT DISTINCT unnest($2::uuid[]) AS user_id),
       latest AS (${LATEST_DECISIONS})
       SELECT asked.user_id, current.*, latest.version AS decided_version, latest.decision,
              latest.created_at AS decided_at
         FROM asked CROSS JOIN current
         LEFT JOIN latest ON latest.user_id = asked.user_id AND latest.key = current.key
        ORDER BY asked.user_id, current.key`,
      [tenantId, userIds],
    );
    const states = new Map<string, ConsentState[]>(userIds.map((id) => [id, []]));
    const asGiven = new Map(userIds.map((id) => [id.toLowerCase(), id]));
    for (const row of rows) {
      const policy = policyOf(row);
      const granted = row.decision === 'granted' && row.decided_version === policy.version;
      states.get(asGiven.get(row.user_id) ?? row.user_id)?.push({
        policy,
        decision: row.decision,
        decidedVersion: row.decided_version,
        decidedAt: row.decided_at,
        pending: policy.required && !granted,
      });
    }
    return states;
  }

  /** Required policies whose current version the user has not granted (latest decision per key). */
  async pendingFor(manager: EntityManager, tenantId: string, userId: string): Promise<ConsentPolicy[]> {
    const states = await this.stateFor(manager, tenantId, userId);
    return states.filter((s) => s.pending).map((s) => s.policy);
  }

  /** Writes one receipt (and its audit event) for a policy version of the tenant. */
  async record(
    manager: EntityManager,
    policy: ConsentPolicy,
    decision: ConsentDecision,
    context: DecisionContext,
  ): Promise<ConsentRecord> {
    if (policy.tenantId !== context.tenantId) throw ConsentErrors.policyNotFound();
    if (!(CONSENT_SOURCES as readonly string[]).includes(context.source)) throw ConsentErrors.invalidSource();
    // clock_timestamp(), not now(): decisions taken in one transaction must keep their order.
    const [row] = (await manager.query(
      `INSERT INTO consent_records (tenant_id, user_id, policy_id, decision, source, ip, user_agent, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp()) RETURNING id, created_at`,
      [
        context.tenantId,
        context.userId,
        policy.id,
        decision,
        context.source,
        context.ip ?? null,
        context.userAgent ?? null,
      ],
    )) as { id: string; created_at: Date }[];
    await this.audit.record(manager, {
      tenantId: context.tenantId,
      actor: context.actor ?? { type: 'user', id: context.userId },
      action: decision === 'granted' ? 'consent.granted' : 'consent.withdrawn',
      target: { type: 'user', id: context.userId },
      ip: context.ip ?? null,
      userAgent: context.userAgent ?? null,
      data: { policyKey: policy.key, policyVersion: policy.version, source: context.source },
    });
    return Object.assign(new ConsentRecord(), {
      id: row?.id,
      tenantId: context.tenantId,
      userId: context.userId,
      policyId: policy.id,
      decision,
      source: context.source,
      ip: context.ip ?? null,
      userAgent: context.userAgent ?? null,
      createdAt: row?.created_at,
    });
  }

  /** Grants the current version of `key`; `version`, when given, must be the current one. */
  async grant(
    manager: EntityManager,
    key: string,
    context: DecisionContext,
    version?: number,
  ): Promise<ConsentRecord> {
    const policy = await this.latestVersion(manager, context.tenantId, key);
    if (!policy) throw ConsentErrors.policyNotFound();
    if (version !== undefined && version !== policy.version)
      throw ConsentErrors.outdatedVersion(key, policy.version);
    return this.record(manager, policy, 'granted', context);
  }

  /**
   * Withdraws consent to `key`: the receipt names the version last granted (the current one if none
   * was). A withdrawn required policy is pending again, so the next login asks for it.
   */
  async withdraw(manager: EntityManager, key: string, context: DecisionContext): Promise<ConsentRecord> {
    const current = await this.latestVersion(manager, context.tenantId, key);
    if (!current) throw ConsentErrors.policyNotFound();
    const last = (await this.latestDecisions(manager, context.tenantId, context.userId)).get(key);
    const version = last?.decision === 'granted' ? last.version : current.version;
    const policy =
      version === current.version
        ? current
        : await manager.findOneByOrFail(ConsentPolicy, { tenantId: context.tenantId, key, version });
    return this.record(manager, policy, 'withdrawn', context);
  }

  /**
   * What a sign-up or login form submitted: `acceptedPolicyIds` are the checked policy versions. Each
   * must be a current version of the tenant; every pending required policy must be among them
   * (`consent_required` names the missing keys). Writes one receipt per accepted policy.
   */
  async accept(
    manager: EntityManager,
    acceptedPolicyIds: readonly string[],
    context: DecisionContext,
  ): Promise<ConsentRecord[]> {
    const current = await this.currentPolicies(manager, context.tenantId);
    const byId = new Map(current.map((p) => [p.id, p]));
    const accepted = [...new Set(acceptedPolicyIds)].map((id) => byId.get(id));
    if (accepted.some((p) => p === undefined)) throw ConsentErrors.policyNotFound();
    const acceptedKeys = new Set(accepted.map((p) => p?.key));
    const pending = await this.pendingFor(manager, context.tenantId, context.userId);
    const missing = pending.filter((p) => !acceptedKeys.has(p.key)).map((p) => p.key);
    if (missing.length > 0) throw ConsentErrors.required(missing);
    const receipts: ConsentRecord[] = [];
    for (const policy of accepted as ConsentPolicy[]) {
      receipts.push(await this.record(manager, policy, 'granted', context));
    }
    return receipts;
  }

  /** Erasure: the user's receipts stay (proof of consent) without their ip and user agent. */
  async scrubUser(manager: EntityManager, tenantId: string, userId: string): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .update(ConsentRecord)
      .set({ ip: null, userAgent: null })
      .where('tenant_id = :tenantId AND user_id = :userId', { tenantId, userId })
      .execute();
    return result.affected ?? 0;
  }

  /** The user's latest decision per policy key, with the version it was about. */
  private async latestDecisions(
    manager: EntityManager,
    tenantId: string,
    userId: string,
  ): Promise<Map<string, LatestDecisionRow>> {
    const rows: LatestDecisionRow[] = await manager.query(LATEST_DECISIONS, [tenantId, [userId]]);
    return new Map(rows.map((row) => [row.key, row]));
  }
}

interface PolicyRow {
  id: string;
  tenant_id: string;
  key: string;
  version: number;
  kind: PolicyKind;
  required: boolean;
  title: Record<string, string>;
  url: string | null;
  created_at: Date;
}

interface StateColumns {
  decided_version: number | null;
  decision: ConsentDecision | null;
  decided_at: Date | null;
}

/** $1 tenant: the highest version of each key, ordered by key. */
const CURRENT_POLICIES = `
  SELECT DISTINCT ON (key) id, tenant_id, key, version, kind, required, title, url, created_at
    FROM consent_policies WHERE tenant_id = $1 ORDER BY key, version DESC`;

/** $1 tenant, $2 users: each user's latest decision per policy key, with the version it was about. */
const LATEST_DECISIONS = `
  SELECT DISTINCT ON (r.user_id, p.key) r.user_id, p.key, p.version, r.decision, r.created_at
    FROM consent_records r
    JOIN consent_policies p ON p.tenant_id = r.tenant_id AND p.id = r.policy_id
   WHERE r.tenant_id = $1 AND r.user_id = ANY($2::uuid[])
   ORDER BY r.user_id, p.key, r.created_at DESC, r.id DESC`;

function policyOf(row: PolicyRow): ConsentPolicy {
  return Object.assign(new ConsentPolicy(), {
    id: row.id,
    tenantId: row.tenant_id,
    key: row.key,
    version: row.version,
    kind: row.kind,
    required: row.required,
    title: row.title,
    url: row.url,
    createdAt: row.created_at,
  });
}

/** Checks a declaration before anything is written (field-level `invalid_input` errors). */
export function assertPolicyDeclaration(declared: PolicyDeclaration): void {
  if (!POLICY_KEY_PATTERN.test(declared.key)) throw ConsentErrors.invalidKey();
  if (declared.kind !== undefined && !(POLICY_KINDS as readonly string[]).includes(declared.kind))
    throw ConsentErrors.invalidKind();
  for (const [locale, text] of Object.entries(declared.title ?? {})) {
    if (!isLocale(locale)) throw ConsentErrors.invalidTitle(`"${locale}" is not a supported locale.`);
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TITLE)
      throw ConsentErrors.invalidTitle(`The ${locale} title is 1 to ${MAX_TITLE} characters.`);
  }
  if (declared.url !== undefined && declared.url !== null && !isHttpUrl(declared.url))
    throw ConsentErrors.invalidUrl();
}

function isHttpUrl(value: string): boolean {
  if (value.length > MAX_URL) return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === '23505'
  );
}

/** A policy's title in `locale`, else English, else any, else its key. */
export function policyTitle(policy: Pick<ConsentPolicy, 'title' | 'key'>, locale: string): string {
  return policy.title[locale] ?? policy.title.en ?? Object.values(policy.title)[0] ?? policy.key;
}
