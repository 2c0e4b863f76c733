import type { Config } from '../config/config.js';
import type { FirstRunCredentials } from './first-run.js';

/**
 * What a person starting the server must see: the evaluation-mode warning (embedded mode) and, on
 * the very first start only, the generated credentials. Written to stdout directly because it is
 * meant for a human at the terminal, not for the JSON log stream.
 */
export function printStartBanner(config: Config, credentials: FirstRunCredentials, port: number): void {
  const lines: string[] = [];
  if (config.embedded) {
    lines.push(
      'Portico is running in EMBEDDED mode (PGlite in ' +
        `${config.dataDir}, in-process jobs${config.smtpUrl ? '' : ', mail to the log'}).`,
      'This mode is for evaluation only: set DATABASE_URL, REDIS_URL, SMTP_URL and PORTICO_SECRET_KEY for production.',
    );
  }
  if (credentials.adminPassword) {
    lines.push(
      '',
      'First start: created tenant "default" and an instance admin. Shown once, keep them now:',
      `  instance admin:     ${credentials.adminEmail}`,
      `  one-time password:  ${credentials.adminPassword}`,
    );
  }
  if (credentials.apiKey) lines.push(`  API key (default):  ${credentials.apiKey}`);
  if (lines.length === 0) return;
  lines.push('', `Listening on port ${port}; public URL ${config.publicUrl}`);
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '='.repeat(Math.min(width, 100));
  process.stdout.write(`${rule}\n${lines.join('\n')}\n${rule}\n`);
}
