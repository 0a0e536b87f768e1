/**
 * Integration test `default`: the FastShop dev shape (two AZs, one shard), destroyable.
 *
 * Verified against its committed snapshot by `npx projen integ`; deployed, asserted and destroyed in
 * a real account by the `integ` GitHub workflow. See docs/integration.md. The case itself,
 * its assertions and its hooks are in integ-helpers/suite.ts.
 */
import { buildIntegCase, integApp } from './integ-helpers/suite';

const app = integApp();
buildIntegCase(app, 'default');
app.synth();
