import type { DataSource } from 'typeorm';
import { ENCRYPTED_COLUMNS } from './encrypted-columns.js';
import type { KeyRing } from './key-ring.js';

const BATCH = 500;

/**
 * `portico secrets re-encrypt`: after a new key was made first in the ring, rewrites every ciphertext
 * that is not under it, in batches, each batch in its own transaction (rows are locked while rewritten,
 * so a concurrent writer never loses its value). Returns counts per table.
 */
export class SecretsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keyRing: KeyRing,
  ) {}

  async reEncryptAll(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const target of ENCRYPTED_COLUMNS) {
      const key = `${target.table}.${target.column}`;
      counts[key] = 0;
      let afterId = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const { rewritten, lastId } = await this.dataSource.transaction(async (manager) => {
          const rows: { id: string; value: string }[] = await manager.query(
            `SELECT id, ${target.column} AS value FROM ${target.table}
             WHERE ${target.column} IS NOT NULL AND id > $1 ${target.where ? `AND ${target.where}` : ''}
             ORDER BY id LIMIT ${BATCH} FOR UPDATE`,
            [afterId],
          );
          let rewritten = 0;
          for (const row of rows) {
            if (this.keyRing.isCurrent(row.value)) continue;
            const value = this.keyRing.reEncrypt(row.value, target.context(row.id));
            await manager.query(`UPDATE ${target.table} SET ${target.column} = $1 WHERE id = $2`, [
              value,
              row.id,
            ]);
            rewritten += 1;
          }
          return { rewritten, lastId: rows.length === BATCH ? rows[rows.length - 1]?.id : undefined };
        });
        counts[key] += rewritten;
        if (lastId === undefined) break;
        afterId = lastId;
      }
    }
    return counts;
  }
}
