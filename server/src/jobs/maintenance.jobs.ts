import type { DataSource } from 'typeorm';
import type { OutboxHandlerRegistry } from './outbox-processor.js';

export const MAINTENANCE_QUEUE = 'maintenance';
const FINISHED_OUTBOX_RETENTION_DAYS = 7;

/** Housekeeping jobs; each is safe to run twice. */
export function maintenanceHandlers(dataSource: DataSource): OutboxHandlerRegistry {
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
  };
}
