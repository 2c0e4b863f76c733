/**
 * One error model for the whole server (STYLE.md §4). Every domain declares its codes in
 * `<domain>.errors.ts`; HTTP and GraphQL map an AppError the same way: its `code` is stable,
 * its `status` is the HTTP status, its message is safe to show, and the cause is logged only.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    status: number,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = options.details;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** Codes shared by every domain. */
export const CommonErrors = {
  notFound: (what = 'resource') => new AppError('not_found', 404, `The ${what} was not found.`),
  invalidInput: (message: string, details?: Record<string, unknown>) =>
    new AppError('invalid_input', 400, message, { details }),
  conflict: (message: string) => new AppError('conflict', 409, message),
  unavailable: (message: string, cause?: unknown) =>
    new AppError('service_unavailable', 503, message, { cause }),
};
