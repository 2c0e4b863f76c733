import { isAppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

/**
 * Runs `send`; a 429 (too many codes or links for this user, an SMS limit) ends it quietly: pages that
 * send mail or SMS answer the same whether or not anything went out (SECURITY.md item 3), and the log
 * says why nothing did. Other errors propagate.
 */
export async function unlessRateLimited(
  logger: Logger,
  fields: Record<string, unknown>,
  send: () => Promise<unknown>,
): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (!isAppError(error) || error.status !== 429) throw error;
    logger.info({ ...fields, code: error.code }, 'message not sent: rate limited');
  }
}
