import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';

/**
 * A `pg`-shaped driver over one PGlite instance, for TypeORM's postgres dialect (embedded mode).
 *
 * PGlite is a single connection. Handing it out to two TypeORM query runners at once would interleave
 * their transactions (BEGIN on one, statements of the other inside it), so this pool lends the
 * connection to one client at a time, like a pg pool of size one. Code in a transaction must therefore
 * use the transaction's manager for every query, which is right on PostgreSQL too.
 */
export function createPgliteDriver(opening: Promise<PGlite>): { Pool: new () => unknown } {
  const lock = new ConnectionLock();
  // A failure to open is reported by the first query (the data source's connect); not unhandled before.
  void opening.catch(() => undefined);

  class PgliteClient extends EventEmitter {
    query(sql: string, params?: unknown, callback?: (err: unknown, result?: unknown) => void) {
      const cb = typeof params === 'function' ? (params as typeof callback) : callback;
      const values = Array.isArray(params) && params.length > 0 ? params : undefined;
      // Without parameters a statement string may hold several statements (migrations): exec runs them
      // all and TypeORM expects the last result.
      const run = opening.then((db) =>
        values
          ? db.query(sql, values)
          : db.exec(sql).then((results) => results[results.length - 1] ?? { rows: [], fields: [] }),
      );
      // TypeORM reads `command` and `rowCount` as node-postgres reports them; PGlite reports both.
      const result = run.then((r) => ({ ...r, rowCount: r.rowCount ?? r.affectedRows ?? r.rows.length }));
      if (cb) result.then((r) => cb(null, r), cb);
      return result;
    }
  }

  class PglitePool extends EventEmitter {
    connect(callback: (err: unknown, client?: PgliteClient, release?: () => void) => void): void {
      lock.acquire().then(
        (release) => callback(null, new PgliteClient(), release),
        (error: unknown) => callback(error),
      );
    }
    query(sql: string, params?: unknown, callback?: (err: unknown, result?: unknown) => void) {
      return new PgliteClient().query(sql, params, callback);
    }
    end(callback?: (err?: unknown) => void): void {
      opening.then((db) => db.close()).then(() => callback?.(), callback);
    }
  }
  return { Pool: PglitePool };
}

class ConnectionLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const acquired = this.tail.then(() => {
      let done = false;
      return () => {
        if (done) return;
        done = true;
        release();
      };
    });
    this.tail = this.tail.then(() => released);
    return acquired;
  }
}
