import type { DataSource } from 'typeorm';
import type { OidcModelStore } from '../oidc/oidc-adapter.js';
import type { Logger } from '../shared/logger.js';
import type { OutboxHandlerRegistry } from './outbox-processor.js';

export const MAINTENANCE_QUEUE = 'maintenance';
const FINISHED_OUTBOX_RETENTION_DAYS = 7;
/** Upper bound of batches one run deletes, so one run never holds the worker for long. */
const MAX_EXPIRED_BATCHES = 100;

/** Housekeeping jobs; each is safe to run twice. */
export function maintenanceHandlers(
  dataSource: DataSource,
  oidcModels: OidcModelStore,
): OutboxHandlerRegistry {
  return {
    /** Finished outbox rows are kept a week for inspection, then removed (dead ones stay for admins). */
    async purge_outbox(_payload, context) {
      const [, deleted] = await dataSource.query(
        `DELETE FROM outbox WHERE status IN ('done', 'dropped')
           AND coalesce(processed_at, created_at) < now() - make_interval(days => $1)`,
        [FINISHED_OUTBOX_RETENTION_DAYS],
      );
      context.logger.info({ deleted }, 'purged finished outbox rows');
    },
    /** Expired sessions, codes, tokens and interactions of every tenant, in bounded batches. */
    async delete_expired_oidc_models(_payload, context) {
      let deleted = 0;
      for (let batch = 0; batch < MAX_EXPIRED_BATCHES; batch += 1) {
        const count = await oidcModels.deleteExpired();
        deleted += count;
        if (count === 0) break;
      }
      context.logger.info({ deleted }, 'deleted expired oidc models');
    },
    /** Expired WebAuthn challenges, and TOTP steps long past any verification window. */
    async purge_mfa_challenges(_payload, context) {
      await dataSource.query('DELETE FROM webauthn_challenges WHERE expires_at <= now()');
      await dataSource.query(`DELETE FROM totp_used_steps WHERE used_at < now() - interval '1 day'`);
      context.logger.info('purged expired mfa challenges');
    },
  };
}

export const MAINTENANCE_JOBS = [
  'purge_outbox',
  'delete_expired_oidc_models',
  'purge_mfa_challenges',
] as const;

/**
 * Schedules the maintenance jobs: every interval, each job gets an outbox row unless one is already
 * waiting, so replicas scheduling at once add at most a duplicate that runs harmlessly.
 */
export class MaintenanceScheduler {
  private firstRun: NodeJS.Timeout | undefined;
  private interval: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { dataSource: DataSource; logger: Logger; afterSchedule: () => void },
    private readonly intervalMs = 10 * 60_000,
  ) {}

  start(firstRunDelayMs = 30_000): void {
    const run = () => {
      this.scheduleDue().catch((error: unknown) =>
        this.deps.logger.warn({ err: error }, 'maintenance not scheduled'),
      );
    };
    this.firstRun = setTimeout(run, firstRunDelayMs).unref();
    this.interval = setInterval(run, this.intervalMs).unref();
  }

  stop(): void {
    clearTimeout(this.firstRun);
    clearInterval(this.interval);
  }

  async scheduleDue(): Promise<number> {
    let scheduled = 0;
    for (const name of MAINTENANCE_JOBS) {
      const inserted: { id: string }[] = await this.deps.dataSource.query(
        `INSERT INTO outbox (queue, name, payload, max_attempts)
         SELECT $1, $2, '{}'::jsonb, 3
         WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE queue = $1 AND name = $2 AND status IN ('pending', 'enqueued'))
         RETURNING id`,
        [MAINTENANCE_QUEUE, name],
      );
      scheduled += inserted.length;
    }
    if (scheduled > 0) this.deps.afterSchedule();
    return scheduled;
  }
}
