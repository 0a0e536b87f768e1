/**
 * Integration test `production`: three AZs, a Multi-AZ database, retained data and a cluster-mode
 * cache with two node groups.
 *
 * The retained data is the point of this case, so the deploy run has to clean it up itself: before
 * the stack is destroyed the database's deletion protection is turned off, and afterwards the
 * retained resources (stream, key, secret, log groups, final snapshots) are deleted by
 * test/integ-helpers/cleanup-retained.sh; test/integ-cleanup.test.ts proves it deletes each of them.
 * See docs/integration.md.
 * The case itself, its assertions and its hooks are in integ-helpers/suite.ts.
 */
import { buildIntegCase, integApp } from './integ-helpers/suite';

const app = integApp();
buildIntegCase(app, 'production');
app.synth();
