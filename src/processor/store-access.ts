import * as iam from 'aws-cdk-lib/aws-iam';
import { ILgpdDataPipeline } from '../add-on';
import { CacheLogin, CacheUser } from '../cache-users';
import { DatabaseAuthentication, DatabaseLogin, DatabaseRole } from '../database-login';
import { grantSecretsRead } from '../private/grants';
import { ProcessorSettings } from '../private/processor-contract';

/**
 * How the processor signs in to both stores: PostgreSQL as its own role (`lgpd_processor`, INSERT and
 * SELECT on the transactions table only) and the cache as its own user. The processor's function and its
 * redrive function do the same job and sign in with the same logins.
 */
export interface ProcessorStoreLogins {
  /** The processor's PostgreSQL login. */
  readonly database: DatabaseLogin;
  /** The processor's cache login. */
  readonly cache: CacheLogin;
}

/** The processor's logins in `pipeline`, signing in to PostgreSQL with `authentication`. */
export function processorStoreLogins(pipeline: ILgpdDataPipeline, authentication: DatabaseAuthentication): ProcessorStoreLogins {
  return {
    database: pipeline.databaseLogin(DatabaseRole.PROCESSOR, authentication),
    cache: pipeline.cacheLogin(CacheUser.PROCESSOR),
  };
}

/**
 * Lets `principal` sign in to both stores with `logins` (never with the master secret), and read the
 * subject key, with which it names each subject by its keyed hash.
 */
export function grantStoreAccess(pipeline: ILgpdDataPipeline, logins: ProcessorStoreLogins, principal: iam.IPrincipal): void {
  logins.database.grantConnect(principal);
  logins.cache.grantRead(principal);
  grantSecretsRead(principal, pipeline.encryptionKey, [{ secret: pipeline.subjectKeySecret }]);
}

/** The credentials settings of the environment contract for `logins`. */
export function storeCredentials(logins: ProcessorStoreLogins):
Pick<ProcessorSettings, 'databaseIamUser' | 'databaseSecretArn' | 'cacheUser' | 'cacheAuthSecretArn'> {
  const { database, cache } = logins;
  return {
    ...(database.secret ? { databaseSecretArn: database.secret.secretArn } : { databaseIamUser: database.roleName }),
    cacheUser: cache.userName,
    cacheAuthSecretArn: cache.secret.secretArn,
  };
}
