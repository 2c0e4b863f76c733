import { BullmqJobQueue } from '../../src/jobs/bullmq-queue.js';
import { createLogger } from '../../src/shared/logger.js';
import { needsRedis, redisPrefix, redisUrl } from '../support/services.js';
import { describeJobQueueContract } from './queue.contract.js';
import { deleteRedisKeys } from './redis-keys.js';

const logger = createLogger('silent');

describe('BullMQ job queue (Redis)', () => {
  const prefix = redisPrefix('bullmq_contract');

  before(function () {
    needsRedis(this);
  });

  after(async () => {
    await deleteRedisKeys(prefix);
  });

  describeJobQueueContract(
    'BullmqJobQueue',
    (options) => new BullmqJobQueue({ redisUrl: redisUrl(), logger, prefix, ...options }),
  );
});
