import { describeOnBothDatabases } from '../support/databases.js';
import { cascadesContract } from './contract/cascades.js';
import { migrationsContract } from './contract/migrations.js';
import { queryResultsContract } from './contract/query-results.js';
import { tenantIsolationContract } from './contract/tenant-isolation.js';
import { transactionsContract } from './contract/transactions.js';
import { uniquenessContract } from './contract/uniqueness.js';
import { usersContract } from './contract/users.js';

/**
 * The data layer's contract (STYLE.md §8): the same assertions, through raw SQL, on embedded PGlite and
 * on PostgreSQL — the schema the migrations build, its keys, checks and cascades, and how the two
 * drivers report results and run transactions. Each test works in tenants of its own.
 */
describeOnBothDatabases('data layer contract', (db) => {
  migrationsContract(db);
  usersContract(db);
  uniquenessContract(db);
  tenantIsolationContract(db);
  cascadesContract(db);
  transactionsContract(db);
  queryResultsContract(db);
});
