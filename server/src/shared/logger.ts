import { type Logger, pino } from 'pino';

export type { Logger };

/** The one logger (STYLE.md §6): JSON lines on stdout; children carry request and job ids. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'portico', ...bindings },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password'],
      censor: '[redacted]',
    },
  });
}
