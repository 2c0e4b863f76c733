import { AppError, isAppError } from '../shared/errors.js';

/** Stable codes of the jobs domain. */
export const JobsErrorCodes = {
  /** The queue backend (Redis) did not accept the job in time; the outbox row waits for the relay. */
  queueUnavailable: 'job_queue_unavailable',
  queueClosed: 'job_queue_closed',
  invalidJob: 'job_invalid',
  processorAlreadyRegistered: 'job_processor_already_registered',
  /** The job names no handler of its queue: retrying cannot help. */
  unknownJobName: 'job_unknown_name',
  /** The outbox row used its last attempt and is now dead (dead-letter). */
  attemptsExhausted: 'job_attempts_exhausted',
  /** Thrown by a handler to say that retrying cannot help (an invalid recipient, say). */
  permanentFailure: 'job_failed_permanently',
} as const;

export type JobsErrorCode = (typeof JobsErrorCodes)[keyof typeof JobsErrorCodes];

export const JobsErrors = {
  queueUnavailable: (queue: string, cause?: unknown) =>
    new AppError(JobsErrorCodes.queueUnavailable, 503, `The job queue "${queue}" is unavailable.`, {
      cause,
      details: { queue },
    }),
  queueClosed: () => new AppError(JobsErrorCodes.queueClosed, 503, 'The job queue is closed.'),
  invalidJob: (problem: string) =>
    new AppError(JobsErrorCodes.invalidJob, 500, `The job is invalid: ${problem}.`, { details: { problem } }),
  processorAlreadyRegistered: (queue: string) =>
    new AppError(
      JobsErrorCodes.processorAlreadyRegistered,
      500,
      `A processor is already registered for the job queue "${queue}".`,
      { details: { queue } },
    ),
  unknownJobName: (queue: string, name: string) =>
    new AppError(JobsErrorCodes.unknownJobName, 500, `No handler for job "${name}" on queue "${queue}".`, {
      details: { queue, name },
    }),
  attemptsExhausted: (jobId: string, attempts: number, cause: unknown) =>
    new AppError(
      JobsErrorCodes.attemptsExhausted,
      500,
      `Job ${jobId} failed ${attempts} times and is dead.`,
      {
        cause,
        details: { jobId, attempts },
      },
    ),
  permanentFailure: (message: string, cause?: unknown) =>
    new AppError(JobsErrorCodes.permanentFailure, 500, message, { cause }),
};

const PERMANENT_CODES: ReadonlySet<string> = new Set([
  JobsErrorCodes.unknownJobName,
  JobsErrorCodes.attemptsExhausted,
  JobsErrorCodes.permanentFailure,
]);

/** A handler error that no retry can cure: the queues stop retrying the job. */
export const isPermanentJobFailure = (error: unknown): boolean =>
  isAppError(error) && PERMANENT_CODES.has(error.code);
