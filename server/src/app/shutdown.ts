import type { Logger } from '../shared/logger.js';

/**
 * Resolves at the first SIGTERM or SIGINT, so the caller can drain: stop accepting, finish in-flight
 * requests and jobs, close pools. A second signal exits at once.
 */
export function onShutdownSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handle = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down gracefully');
      process.removeListener('SIGTERM', handle);
      process.removeListener('SIGINT', handle);
      process.once('SIGTERM', () => process.exit(1));
      process.once('SIGINT', () => process.exit(1));
      resolve(signal);
    };
    process.once('SIGTERM', handle);
    process.once('SIGINT', handle);
  });
}
