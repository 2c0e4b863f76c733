// Preloaded into `portico serve` by sql-count.mjs (node --import): appends the first line of every SQL
// statement sent through node-postgres to the file named by PORTICO_BENCH_SQL_LOG.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const file = process.env.PORTICO_BENCH_SQL_LOG;
const require = createRequire(path.join(process.cwd(), 'server/package.json'));
const pg = require('pg');
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(config, ...rest) {
  const text = typeof config === 'string' ? config : config?.text;
  const values = typeof config === 'string' ? rest[0] : config?.values;
  // oidc_models statements name their model in the second parameter.
  const model = text?.includes('oidc_models') && Array.isArray(values) ? `[${values[1]}] ` : '';
  if (file && text) appendFileSync(file, `${model}${text.replace(/\s+/g, ' ').slice(0, 120)}\n`);
  return query.call(this, config, ...rest);
};
