/**
 * The pipeline's database schema, made at deploy time: one bundle, two Lambda handlers.
 *
 * - `index.onEvent`, the custom resource function (outside the VPC): CloudFormation invokes it on
 *   create, update and delete; it invokes the migration function and answers CloudFormation
 *   (schema-migrations/cloudformation.ts).
 * - `index.handler`, the migration function (in the application subnets): signs in as the RDS master
 *   user, applies the versioned migrations in schema-migrations/migrations/ (each in one transaction,
 *   recorded in public.lgpd_schema_migrations, under an advisory lock), then sets how each job's role
 *   signs in (schema-migrations/runner.ts).
 *
 * Bundled by `npx projen bundle` into assets/handlers/schema-migrations/index.js, with the
 * migrations copied beside it and the RDS certificate authorities in rds-ca-bundle.pem.
 * docs/database-schema.md has the whole story.
 */
import { runMigrations, type RunnerContext, type SchemaRequest, type SchemaResult } from './schema-migrations/runner';

export { onEvent } from './schema-migrations/cloudformation';

export function handler(event: SchemaRequest, context?: RunnerContext): Promise<SchemaResult> {
  return runMigrations(event, context);
}
