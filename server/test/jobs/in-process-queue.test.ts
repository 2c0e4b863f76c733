import { expect } from 'chai';
import { InProcessJobQueue } from '../../src/jobs/in-process-queue.js';
import { createLogger } from '../../src/shared/logger.js';
import { describeJobQueueContract } from './queue.contract.js';

const logger = createLogger('silent');

describe('In-process job queue (embedded mode)', () => {
  describeJobQueueContract('InProcessJobQueue', (options) => new InProcessJobQueue({ logger, ...options }));

  it('refuses jobs once closed', async () => {
    const queue = new InProcessJobQueue({ logger });
    await queue.close();
    const error = await queue
      .enqueue({ id: 'late', queue: 'q', name: 'n', payload: {}, maxAttempts: 1 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.include({ code: 'job_queue_closed' });
  });
});
