import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { isAppError } from '../shared/errors.js';
import { JobsErrors } from './jobs.errors.js';
import { OutboxMessage, type OutboxStatus } from './outbox.entity.js';

export interface NewOutboxJob {
  queue: string;
  name: string;
  payload: Record<string, unknown>;
  tenantId?: string | null;
  /** Total runs allowed (default 8, the column's default). */
  maxAttempts?: number;
  /** Past this the job is dropped instead of run (an expired one-time code is not sent). */
  expiresAt?: Date | null;
  /** Not relayed before this many milliseconds have passed. */
  delayMs?: number;
}

export interface ClaimOptions {
  limit: number;
  /** Rows `enqueued` longer than this without being processed are relayed again. */
  staleAfterMs: number;
}

export interface FailureOutcome {
  status: OutboxStatus;
  attempts: number;
}

const DEFAULT_MAX_ATTEMPTS = 8;
const MAX_ERROR_LENGTH = 2_000;
/** States a job never leaves: delivering it again must do nothing. */
export const FINAL_STATUSES: readonly OutboxStatus[] = ['done', 'dead', 'dropped'];
const OPEN = ['pending', 'enqueued'] as const;

/** What a domain learns about its jobs' outcomes, in the transaction that records them. */
export interface OutboxHooks {
  /** Rows just dropped unsent (expired), e.g. to record the message as dropped. */
  dropped?: (manager: EntityManager, rows: readonly DroppedJob[]) => Promise<void>;
}

export type DroppedJob = Pick<OutboxMessage, 'id' | 'tenantId' | 'queue' | 'name' | 'payload' | 'attempts'>;

/**
 * The outbox (ARCHITECTURE.md "Request flows" → Message): a domain service writes its change and the
 * job in one transaction, so a job exists exactly when the change committed. The relay and the job
 * processor move a row through pending → enqueued → done | dead | dropped.
 */
export class OutboxService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hooks: OutboxHooks = {},
  ) {}

  /** Writes the job in the caller's transaction (`manager`); returns its id, which is also the job id. */
  async add(manager: EntityManager, job: NewOutboxJob): Promise<string> {
    const maxAttempts = job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
      throw JobsErrors.invalidJob('maxAttempts must be ≥ 1');
    const id = randomUUID();
    const message: QueryDeepPartialEntity<OutboxMessage> = {
      id,
      tenantId: job.tenantId ?? null,
      queue: job.queue,
      name: job.name,
      // TypeORM's deep-partial type cannot express `unknown` jsonb values; the column takes any JSON.
      payload: job.payload as QueryDeepPartialEntity<Record<string, unknown>>,
      status: 'pending',
      attempts: 0,
      maxAttempts,
      expiresAt: job.expiresAt ?? null,
      ...(job.delayMs ? { availableAt: new Date(Date.now() + job.delayMs) } : {}),
    };
    await manager.insert(OutboxMessage, message);
    return id;
  }

  find(id: string): Promise<OutboxMessage | null> {
    return this.dataSource.manager.findOneBy(OutboxMessage, { id });
  }

  /** Dead letters of a tenant (null: instance-level jobs), newest first, for admins. */
  listDead(tenantId: string | null, options: { limit?: number } = {}): Promise<OutboxMessage[]> {
    const query = this.dataSource.manager
      .createQueryBuilder(OutboxMessage, 'o')
      .where("o.status = 'dead'")
      .orderBy('o.createdAt', 'DESC')
      .limit(options.limit ?? 100);
    if (tenantId === null) query.andWhere('o.tenantId IS NULL');
    else query.andWhere('o.tenantId = :tenantId', { tenantId });
    return query.getMany();
  }

  /**
   * Locks a batch of rows due for relaying: pending and available, or enqueued but stale (the queue
   * may have lost them). SKIP LOCKED lets several relays share the work without waiting on each other.
   * Must run inside the relay's transaction, which holds the locks until it marks the rows.
   */
  claimDue(manager: EntityManager, options: ClaimOptions): Promise<OutboxMessage[]> {
    return manager
      .createQueryBuilder(OutboxMessage, 'o')
      .where(
        `(o.status = 'pending' AND o.availableAt <= now())
          OR (o.status = 'enqueued' AND o.enqueuedAt < now() - :staleMs * interval '1 millisecond')`,
        { staleMs: options.staleAfterMs },
      )
      .orderBy('o.availableAt', 'ASC')
      .limit(options.limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  async markEnqueued(manager: EntityManager, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.openRows(manager, ids)
      .set({ status: 'enqueued', enqueuedAt: () => 'now()' })
      .execute();
  }

  async markDropped(ids: readonly string[], manager = this.dataSource.manager): Promise<void> {
    if (ids.length === 0) return;
    const result = await this.openRows(manager, ids)
      .set({ status: 'dropped', processedAt: () => 'now()' })
      .returning(['id', 'tenant_id', 'queue', 'name', 'payload', 'attempts'])
      .execute();
    const rows = (result.raw as Record<string, unknown>[]).map(
      (row): DroppedJob => ({
        id: String(row.id),
        tenantId: (row.tenant_id as string | null) ?? null,
        queue: String(row.queue),
        name: String(row.name),
        payload: row.payload as Record<string, unknown>,
        attempts: Number(row.attempts),
      }),
    );
    if (rows.length > 0 && this.hooks.dropped) await this.hooks.dropped(manager, rows);
  }

  async markDone(id: string): Promise<void> {
    await this.openRows(this.dataSource.manager, [id])
      .set({ status: 'done', processedAt: () => 'now()' })
      .execute();
  }

  /**
   * Counts a failed attempt and records its error. The row dies (dead-letter) on its last attempt,
   * or at once when `final` (retrying cannot help).
   */
  async recordFailure(
    id: string,
    error: unknown,
    options: { final?: boolean } = {},
  ): Promise<FailureOutcome> {
    const dies = options.final ? 'true' : 'attempts + 1 >= max_attempts';
    const result = await this.openRows(this.dataSource.manager, [id])
      .set({
        attempts: () => 'attempts + 1',
        lastError: describeError(error),
        status: () => `CASE WHEN ${dies} THEN 'dead' ELSE status END`,
        processedAt: () => `CASE WHEN ${dies} THEN now() ELSE processed_at END`,
      })
      .returning(['status', 'attempts'])
      .execute();
    const row = (result.raw as FailureOutcome[])[0];
    // No open row: another delivery already finished it; report what is stored.
    if (!row) return { status: (await this.find(id))?.status ?? 'dropped', attempts: 0 };
    return { status: row.status, attempts: Number(row.attempts) };
  }

  private openRows(manager: EntityManager, ids: readonly string[]) {
    return manager
      .createQueryBuilder()
      .update(OutboxMessage)
      .where('id IN (:...ids)', { ids })
      .andWhere('status IN (:...open)', { open: OPEN });
  }
}

/** What admins see in `last_error`: the code when there is one, and a bounded message. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = isAppError(error) ? `${error.code}: ${message}` : message;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
