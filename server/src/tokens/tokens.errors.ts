import { AppError } from '../shared/errors.js';

/** Stable codes of one-time links and codes. */
export const TokensErrors = {
  /** Too many links or codes were asked for in a short time (counted per user and purpose). */
  tooManyRequests: () =>
    new AppError('token_rate_limited', 429, 'Too many codes or links were requested. Try again later.'),
};
