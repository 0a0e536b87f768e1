import type { Processor } from './batch';
import { CustomerCache } from './cache';
import { readConfig } from './config';
import { CacheConvergence } from './convergence';
import { TransactionTable } from './database';
import { Quarantine } from './quarantine';
import { subjectHasher } from '../common/subject';

let processor: Processor | undefined;

/**
 * The execution environment's stores and quarantine, built on the first invocation (so that a
 * configuration error fails invocations, with its message) and kept for the next ones.
 */
export function theProcessor(): Processor {
  if (processor === undefined) {
    const config = readConfig();
    const table = new TransactionTable(config.database);
    const cache = new CustomerCache(config.cache);
    processor = {
      config,
      table,
      cache,
      convergence: new CacheConvergence(table, cache, config.cache.ttlSeconds),
      quarantine: new Quarantine(config.queues.quarantineUrl),
      subjectHasher: () => subjectHasher(config.subjects.keySecretArn),
    };
  }
  return processor;
}
