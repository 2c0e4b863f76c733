import type { Router } from 'express';
import express from 'express';

export type Probe = 'up' | 'down' | 'absent';

export interface ReadinessReport {
  ready: boolean;
  database: 'up' | 'down';
  migrations: 'applied' | 'pending' | 'unknown';
  kickstart: 'applied' | 'pending' | 'absent';
  redis: Probe;
}

export type ReadinessCheck = () => Promise<ReadinessReport>;

/**
 * `/healthz`: the process is alive. `/readyz`: PostgreSQL answers, migrations are applied and the
 * kickstart file (if any) has been applied. Redis is reported but does not gate readiness: its loss
 * degrades, it does not stop logins (ARCHITECTURE.md "Public contract").
 */
export function healthRoutes(checkReadiness: ReadinessCheck): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await checkReadiness();
    const { ready, ...checks } = report;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', ...checks });
  });
  return router;
}
