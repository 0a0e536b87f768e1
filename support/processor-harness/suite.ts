import type { LambdaEnvironment } from './environment';
import { Stores } from './stores';

/**
 * The jest lifecycle of a processor test file: the real stores started once for the file (`migrate`:
 * Stores.start's) and given to `started`, emptied before each test (`Stores.reset`) unless `reset` is
 * false, and stopped after the last; the execution environments a test pushes on the returned list
 * stopped after it.
 */
export function storesForEachTest(started: (stores: Stores) => void, options: { migrate?: boolean; reset?: boolean } = {}): LambdaEnvironment[] {
  let stores: Stores | undefined;
  const environments: LambdaEnvironment[] = [];
  beforeAll(async () => {
    stores = await Stores.start({ migrate: options.migrate });
    started(stores);
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled(environments.map(e => e.stop()));
    await stores?.stop();
  }, 60_000);
  beforeEach(async () => {
    if (options.reset !== false) await stores!.reset();
  });
  afterEach(async () => {
    await Promise.allSettled(environments.splice(0).map(e => e.stop()));
  });
  return environments;
}
