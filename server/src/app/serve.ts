import cluster from 'node:cluster';
import type { Config } from '../config/config.js';
import { createManagementApp, createPublicApp } from '../http/app.js';
import { HttpServer } from '../http/http-server.js';
import { loadOidcProvider } from '../oidc/oidc-provider-module.js';
import type { Logger } from '../shared/logger.js';
import { printStartBanner } from './banner.js';
import type { FirstRunCredentials } from './first-run.js';
import { Portico } from './portico.js';
import { Readiness } from './readiness.js';
import { onShutdownSignal } from './shutdown.js';

/**
 * `portico serve`: one complete server (ARCHITECTURE.md "Processes"). With WEB_CONCURRENCY > 1 the
 * primary prepares the database once, then forks that many serve processes sharing the ports.
 */
export async function runServe(config: Config, logger: Logger): Promise<number> {
  if (config.webConcurrency > 1 && cluster.isPrimary) return runClusterPrimary(config, logger);
  const portico = new Portico(config, logger);
  await portico.connect();
  const preparedByPrimary = cluster.isWorker;
  const credentials = preparedByPrimary ? {} : await portico.prepare();
  const jobs = portico.createJobsRuntime();
  const readiness = new Readiness(portico.dataSource, config.kickstartFile !== undefined, jobs.redisProbe);
  if (config.kickstartFile) readiness.markKickstartApplied();

  await portico.providerInvalidation.start();
  const deps = { config, logger, metrics: portico.metrics, checkReadiness: readiness.check };
  const publicServer = new HttpServer(
    createPublicApp({ ...deps, routers: portico.httpRouters(), directRoutes: portico.httpDirectRoutes() }),
  );
  const managementServer = new HttpServer(createManagementApp(deps));
  const address = await publicServer.listen(config.port, config.host);
  const management = await managementServer.listen(config.managementPort, config.host);
  logger.info(
    { port: address.port, managementPort: management.port, publicUrl: config.publicUrl },
    'portico is serving',
  );
  if (!preparedByPrimary) printStartBanner(config, credentials, address.port);
  // Jobs start once the server listens (BullMQ loads then: docs/PERFORMANCE.md "Start-up"); what requests
  // write meanwhile waits in the outbox, which the relay reads when it starts.
  if (config.workers === 'inline') await jobs.startWorkers(portico.jobQueues());
  jobs.startRelay();
  warmUp(logger);

  await onShutdownSignal(logger);
  readiness.markShuttingDown();
  await Promise.all([publicServer.close(), managementServer.close()]);
  await jobs.close();
  await portico.close();
  logger.info('portico stopped');
  return 0;
}

/**
 * Loads what the first OIDC request needs (oidc-provider) once the server listens, so start-up does not
 * wait for it and that request rarely does. GraphQL (Apollo, type-graphql) is left to its first request:
 * warming it too would hold ~10 MiB more in every idle process (docs/PERFORMANCE.md "Start-up").
 */
function warmUp(logger: Logger): void {
  const started = performance.now();
  loadOidcProvider().then(
    () => logger.debug({ ms: Math.round(performance.now() - started) }, 'modules warmed up'),
    (error: unknown) => logger.error({ err: error }, 'warm-up failed'),
  );
}

/** `portico worker`: the job processors and the outbox relay, no HTTP. */
export async function runWorker(config: Config, logger: Logger): Promise<number> {
  const portico = new Portico(config, logger);
  await portico.connect();
  await portico.requireMigrations();
  const jobs = portico.createJobsRuntime();
  await jobs.startWorkers(portico.jobQueues());
  jobs.startRelay();
  logger.info({ queues: Object.keys(portico.jobQueues()) }, 'portico worker is running');
  await onShutdownSignal(logger);
  await jobs.close();
  await portico.close();
  logger.info('portico worker stopped');
  return 0;
}

async function runClusterPrimary(config: Config, logger: Logger): Promise<number> {
  const portico = new Portico(config, logger);
  let credentials: FirstRunCredentials;
  try {
    await portico.connect();
    credentials = await portico.prepare();
  } finally {
    await portico.close();
  }
  for (let i = 0; i < config.webConcurrency; i += 1) cluster.fork();
  printStartBanner(config, credentials, config.port);
  let stopping = false;
  cluster.on('exit', (worker, code) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code }, 'serve process exited; starting another');
    cluster.fork();
  });
  await onShutdownSignal(logger);
  stopping = true;
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  await new Promise<void>((resolve) => {
    const check = () => (Object.keys(cluster.workers ?? {}).length === 0 ? resolve() : setTimeout(check, 50));
    check();
  });
  return 0;
}
