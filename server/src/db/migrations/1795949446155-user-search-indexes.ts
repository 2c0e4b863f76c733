import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The user search of the admin API (server/src/users/user-search.ts) walks a tenant's users in created
 * order and tests each against the query. users_created_idx now includes the searched columns, so that
 * walk is an index-only scan: its speed no longer depends on the heap being in created order, which it
 * is not after an import or after rows moved on update. Same name and key as before, so every other
 * query that used it still does. Blocked users, a few percent, get a partial copy of it: listing them
 * walks only them.
 */
export class UserSearchIndexes1795949446155 implements MigrationInterface {
  name = 'UserSearchIndexes1795949446155';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX users_created_idx`);
    await db.query(
      `CREATE INDEX users_created_idx ON users (tenant_id, created_at, id)
         INCLUDE (status, email_normalized, search_name, phone)`,
    );
    await db.query(
      `CREATE INDEX users_blocked_created_idx ON users (tenant_id, created_at, id)
         INCLUDE (email_normalized, search_name, phone) WHERE status = 'blocked'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX users_blocked_created_idx`);
    await db.query(`DROP INDEX users_created_idx`);
    await db.query(`CREATE INDEX users_created_idx ON users (tenant_id, created_at, id)`);
  }
}
