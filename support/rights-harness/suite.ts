import { RightsRig } from './rig';
import { RightsStores } from './rights-stores';

/**
 * The jest lifecycle of a rights test file, as storesForEachTest is the processor's: the real stores
 * and the rig (the rights functions and the workflow) started once for the file and given to `started`
 * (which may start more, within the same time limit), the stores emptied before each test, and both
 * stopped after the last.
 */
export function rightsForEachTest(started: (stores: RightsStores, rig: RightsRig) => void | Promise<void>): void {
  let stores: RightsStores | undefined;
  let rig: RightsRig | undefined;
  beforeAll(async () => {
    stores = await RightsStores.start();
    rig = await RightsRig.start(stores);
    await started(stores, rig);
  }, 180_000);
  afterAll(async () => {
    await rig?.stop();
    await stores?.stop();
  }, 60_000);
  beforeEach(async () => {
    await stores!.reset();
  });
}
