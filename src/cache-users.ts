import { Lazy } from 'aws-cdk-lib';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeInPacks, HIPAA_NIST } from './private/acknowledge';
import { CacheUserAccess, DEFAULT_USER, PROCESSOR_USER, RIGHTS_USER } from './private/cache-access';
import { grantSecretsRead, ReadableSecret } from './private/grants';
import { PipelineNames } from './private/names';
import { RemovalRules } from './private/removal';
import { fail } from './private/validation';

/** How clients sign in to the cache. */
export enum CacheAccess {
  /**
   * ElastiCache role-based access control: a user group whose `default` user can do nothing, and one
   * user per job, allowed only that job's commands on that job's keys (`pipeline.cacheLogin`).
   */
  USERS = 'USERS',
  /**
   * One AUTH token for every client, and every command on every key (FLUSHALL, CONFIG and KEYS
   * included). For pipelines deployed before users existed: CloudFormation replaces a replication group
   * that moves from the token to users (docs/first-deploy.md, "Redis users").
   */
  AUTH_TOKEN = 'AUTH_TOKEN',
}

/** A job that signs in to the cache as its own user: `pipeline.cacheLogin(CacheUser.PROCESSOR)`. */
export class CacheUser {
  /** The transaction processor: its Lua scripts and the cache's convergence on `customer:*` and `lgpd:cache:*` keys, and what its client sends on connecting. */
  public static readonly PROCESSOR = new CacheUser('processor', PROCESSOR_USER);
  /** Data-subject rights: tombstones, and reading and erasing one subject's keys. */
  public static readonly RIGHTS = new CacheUser('rights', RIGHTS_USER);

  /** The user name the client signs in with (Redis `AUTH <user> <password>`). */
  public readonly userName: string;
  /** The ACL rules of the user, as ElastiCache takes them. */
  public readonly accessString: string;

  private constructor(
    /** Part of the user's id and secret name: lowercase letters. */
    public readonly job: string,
    access: CacheUserAccess,
  ) {
    this.userName = access.userName;
    this.accessString = access.accessString;
  }
}

/**
 * How one job signs in to the cache: as its own user with the password in `secret`, or, with
 * `CacheAccess.AUTH_TOKEN`, with the AUTH token in `secret` and no user name.
 */
export class CacheLogin {
  /** @internal */
  public static _of(userName: string | undefined, readable: ReadableSecret, key: kms.IKey): CacheLogin {
    return new CacheLogin(readable, key, userName);
  }

  /** The secret whose whole string is the password (or the AUTH token). */
  public readonly secret: secretsmanager.ISecret;

  private constructor(
    private readonly readable: ReadableSecret,
    private readonly key: kms.IKey,
    /**
     * The user name to sign in with.
     *
     * @default - none: the AUTH token signs in as the default user
     */
    public readonly userName?: string,
  ) {
    this.secret = readable.secret;
  }

  /**
   * Grants reading the password (or token), including decrypting it through Secrets Manager.
   *
   * @param grantee the principal that signs in
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantSecretsRead(grantee, this.key, [this.readable]);
  }
}

/** Properties of {@link PipelineCacheUsers}. */
export interface PipelineCacheUsersProps {
  /** How clients sign in. */
  readonly access: CacheAccess;
  /** The pipeline's physical names. */
  readonly names: PipelineNames;
  /** The key that encrypts the secrets. */
  readonly encryptionKey: kms.IKey;
  /** The pipeline's removal rules. */
  readonly removal: RemovalRules;
}

/**
 * Who may sign in to the pipeline's cache, and with what: either the AUTH token (`<cache>/AuthToken`,
 * where it has always been) or an ElastiCache user group (`<cache>/Users`) holding a `default` user that
 * can do nothing and one user per job, added when a job asks for its login. Created in the cache's scope
 * by PipelineCache, which gives the replication group `replicationGroupProps`.
 *
 * Written by hand: aws-cdk-lib has no L2 for ElastiCache users.
 */
export class PipelineCacheUsers {
  /** The AUTH token, with `CacheAccess.AUTH_TOKEN`. */
  public readonly authSecret?: secretsmanager.Secret;
  /** The user group, with `CacheAccess.USERS`. */
  public readonly userGroup?: elasticache.CfnUserGroup;
  private readonly users = new Map<string, CacheLogin>();
  private readonly userIds: string[] = [];

  constructor(scope: Construct, private readonly props: PipelineCacheUsersProps) {
    const names = props.names;
    if (props.access === CacheAccess.AUTH_TOKEN) {
      // AUTH tokens are 16-128 printable characters without @, " or /.
      this.authSecret = new secretsmanager.Secret(scope, 'AuthToken', {
        secretName: names.cacheAuthSecret,
        description: `AUTH token of ${names.replicationGroup}`,
        encryptionKey: props.encryptionKey,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
        removalPolicy: props.removal.keep,
      });
      acknowledgeNoRotation(this.authSecret, 'AWS provides no Secrets Manager rotation function for ElastiCache AUTH tokens, and rotating one is a '
        + 'two-step ModifyReplicationGroup (ROTATE, then SET) the owner schedules. The token is 64 random characters, encrypted with the pipeline key, '
        + 'readable only through grantSecretsRead, and useful only from a client the cache security group admits.');
    } else if (props.access === CacheAccess.USERS) {
      const group = new Construct(scope, 'Users');
      this.userIds.push(user(group, 'DefaultUser', names.cacheUser('default'), DEFAULT_USER, { Type: 'no-password-required' }, props.removal).ref);
      this.userGroup = new elasticache.CfnUserGroup(group, 'Resource', {
        userGroupId: names.cacheUserGroup,
        engine: USER_ENGINE,
        userIds: Lazy.list({ produce: () => this.userIds }),
      });
      if (props.removal.configuration) this.userGroup.applyRemovalPolicy(props.removal.configuration);
    } else {
      fail('cacheAccess', props.access, 'must be CacheAccess.USERS or CacheAccess.AUTH_TOKEN');
    }
  }

  /** How the replication group admits clients: its AUTH token, or its user group. */
  public get replicationGroupProps(): Pick<elasticache.CfnReplicationGroupProps, 'authToken' | 'userGroupIds'> {
    return this.authSecret ? { authToken: this.authSecret.secretValue.unsafeUnwrap() } : { userGroupIds: [this.userGroup!.ref] };
  }

  /** The login of `job`: its own user (made on the first call), or the AUTH token. */
  public login(job: CacheUser): CacheLogin {
    if (this.authSecret) return CacheLogin._of(undefined, { secret: this.authSecret }, this.props.encryptionKey);
    const existing = this.users.get(job.job);
    if (existing) return existing;
    const names = this.props.names;
    const scope = this.userGroup!.node.scope as Construct;
    const id = job.job.charAt(0).toUpperCase() + job.job.slice(1);
    // ElastiCache user passwords are 16-128 printable characters; none of the punctuation, so no quoting anywhere.
    const secret = new secretsmanager.Secret(scope, `${id}Password`, {
      secretName: names.cacheUserSecret(job.job),
      description: `Password of the cache user ${job.userName} of ${names.replicationGroup}`,
      encryptionKey: this.props.encryptionKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: this.props.removal.keep,
    });
    acknowledgeNoRotation(secret, 'AWS provides no Secrets Manager rotation function for ElastiCache users\' passwords; a new password is a '
      + 'ModifyUser with two passwords, then one, which the owner schedules. It is 64 random characters, encrypted with the pipeline key, '
      + 'readable only by the roles its login grants it to, and useful only from a client the cache security group admits.');
    const created = user(scope, id, names.cacheUser(job.job), job, { Type: 'password', Passwords: [secret.secretValue.unsafeUnwrap()] }, this.props.removal);
    this.userIds.push(created.ref);
    const login = CacheLogin._of(job.userName, { secret }, this.props.encryptionKey);
    this.users.set(job.job, login);
    return login;
  }
}

/**
 * The engine of users and user groups: `redis` for Redis OSS and Valkey replication groups alike, as
 * ElastiCache's RBAC documentation asks ("you will still need to assign users and user groups the
 * engine redis").
 */
const USER_ENGINE = 'redis';

/**
 * One ElastiCache user. `AuthenticationMode` is passed through to the template as written (aws-cdk-lib
 * types it `any`), hence CloudFormation's own key names.
 */
function user(scope: Construct, id: string, userId: string, access: CacheUserAccess,
  authenticationMode: { Type: 'password' | 'no-password-required'; Passwords?: string[] }, removal: RemovalRules): elasticache.CfnUser {
  const created = new elasticache.CfnUser(scope, id, {
    userId,
    userName: access.userName,
    engine: USER_ENGINE,
    accessString: access.accessString,
    authenticationMode,
  });
  if (removal.configuration) created.applyRemovalPolicy(removal.configuration);
  return created;
}

function acknowledgeNoRotation(secret: secretsmanager.Secret, reason: string): void {
  acknowledge(secret, 'AwsSolutions-SMG4', reason);
  acknowledgeInPacks(secret, HIPAA_NIST, 'SecretsManagerRotationEnabled', reason);
}
