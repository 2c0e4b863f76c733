import type { DataSource } from 'typeorm';
import { migrationsApplied } from '../db/migrator.js';
import type { Probe, ReadinessReport } from '../http/health.js';

const DATABASE_TIMEOUT_MS = 2_000;

/**
 * Readiness (ARCHITECTURE.md "Public contract"): ready when PostgreSQL answers, migrations are applied
 * and the kickstart file (if any) has been applied. Once migrations were seen applied they stay so for
 * this process (they are never rolled back under a running server).
 */
export class Readiness {
  private migrationsSeen = false;
  private kickstart: ReadinessReport['kickstart'];
  private shuttingDown = false;

  constructor(
    private readonly dataSource: DataSource,
    kickstartConfigured: boolean,
    private readonly redisProbe: () => Probe,
  ) {
    this.kickstart = kickstartConfigured ? 'pending' : 'absent';
  }

  markKickstartApplied(): void {
    this.kickstart = 'applied';
  }

  /** A draining process reports not ready, so load balancers stop sending it requests. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  readonly check = async (): Promise<ReadinessReport> => {
    const database = await this.pingDatabase();
    if (database === 'up' && !this.migrationsSeen) {
      this.migrationsSeen = await migrationsApplied(this.dataSource).catch(() => false);
    }
    const migrations =
      database === 'down' && !this.migrationsSeen ? 'unknown' : this.migrationsSeen ? 'applied' : 'pending';
    const ready =
      !this.shuttingDown && database === 'up' && migrations === 'applied' && this.kickstart !== 'pending';
    return { ready, database, migrations, kickstart: this.kickstart, redis: this.redisProbe() };
  };

  private async pingDatabase(): Promise<'up' | 'down'> {
    if (!this.dataSource.isInitialized) return 'down';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'down'>((resolve) => {
      timer = setTimeout(() => resolve('down'), DATABASE_TIMEOUT_MS);
    });
    const ping = this.dataSource.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const result = await Promise.race([ping, timeout]);
    clearTimeout(timer);
    return result;
  }
}
