import * as iam from 'aws-cdk-lib/aws-iam';
import { ProcessorDatabaseAccess } from './options';
import { ILgpdDataPipeline } from '../add-on';
import { ProcessorSettings } from '../private/processor-contract';

/**
 * Lets `principal` sign in to both stores as the processor does: with `access` to PostgreSQL (IAM
 * authentication as its user, or the master secret) and the cache AUTH token. The processor's function
 * and its redrive function sign in the same way.
 */
export function grantStoreAccess(pipeline: ILgpdDataPipeline, principal: iam.IPrincipal, access: ProcessorDatabaseAccess): void {
  if (access.user) {
    pipeline.grantDatabaseConnect(principal, access.user);
    pipeline.grantCacheAuthTokenRead(principal);
  } else {
    pipeline.grantSecretsRead(principal);
  }
}

/** The database credentials setting of the environment contract for `access`. */
export function databaseCredentials(pipeline: ILgpdDataPipeline, access: ProcessorDatabaseAccess): Pick<ProcessorSettings, 'databaseIamUser' | 'databaseSecretArn'> {
  return access.user ? { databaseIamUser: access.user } : { databaseSecretArn: pipeline.databaseSecret.secretArn };
}
