import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IDependable } from 'constructs';
import { checkDays } from './private/validation';

/**
 * A PostgreSQL role of one of the pipeline's jobs, made by the pipeline's schema migrations with the
 * privileges of that job and nothing else (docs/database-schema.md has the table of who may do what).
 */
export class DatabaseRole {
  /** The transaction processor, `lgpd_processor`: INSERT and SELECT on the transactions table. */
  public static readonly PROCESSOR = new DatabaseRole('lgpd_processor');
  /**
   * Data-subject rights, `lgpd_rights`: reads and erases one subject's transactions, writes tombstones and
   * requests, and appends to the audit record (migration 0002_data_subject_rights.sql).
   */
  public static readonly RIGHTS = new DatabaseRole('lgpd_rights');

  private constructor(
    /** The PostgreSQL role name, what the job signs in as. */
    public readonly roleName: string,
  ) {}
}

/** How a job's PostgreSQL role signs in. */
export class DatabaseAuthentication {
  /**
   * IAM database authentication: the role is granted `rds_iam`, has no password, and the job signs in
   * with a token it signs with its own IAM role (`rds-db:connect`), valid 15 minutes. No secret to
   * read, keep or rotate.
   */
  public static readonly IAM = new DatabaseAuthentication('iam');

  /**
   * A password of the role's own, in a Secrets Manager secret encrypted with the pipeline key and
   * rotated by Secrets Manager's single-user rotation for PostgreSQL (a function in the client
   * subnets that changes the role's password as the role itself). For clients that cannot sign IAM
   * tokens.
   *
   * @param automaticallyAfter how often the password is rotated, 1 to 365 days
   */
  public static rotatedSecret(automaticallyAfter: Duration = Duration.days(30)): DatabaseAuthentication {
    checkDays('databaseAuthentication.rotatedSecret', automaticallyAfter, 1, 365);
    return new DatabaseAuthentication('password', automaticallyAfter);
  }

  private constructor(
    /** `iam` or `password`, as the migration function takes it. */
    public readonly method: string,
    /**
     * How often the password is rotated.
     *
     * @default - undefined with IAM database authentication
     */
    public readonly rotationInterval?: Duration,
  ) {}

  /**
   * Whether `other` is the same way of signing in.
   *
   * @internal
   */
  public _sameAs(other: DatabaseAuthentication): boolean {
    const interval = (d?: Duration) => (d === undefined || Token.isUnresolved(d) ? String(d) : String(d.toSeconds()));
    return this.method === other.method && interval(this.rotationInterval) === interval(other.rotationInterval);
  }
}

/**
 * How one job signs in to the pipeline's database: `pipeline.databaseLogin(role, authentication)`.
 * Its role exists, with its privileges, once the schema migrations have run: make what signs in
 * depend on `schema`.
 */
export class DatabaseLogin {
  /** @internal */
  public static _of(props: {
    role: DatabaseRole;
    authentication: DatabaseAuthentication;
    schema: IDependable;
    grantConnect: (grantee: iam.IGrantable) => iam.Grant;
    secret?: secretsmanager.ISecret;
  }): DatabaseLogin {
    return new DatabaseLogin(props.role.roleName, props.authentication, props.schema, props.grantConnect, props.secret);
  }

  private constructor(
    /** The PostgreSQL role the job signs in as. */
    public readonly roleName: string,
    /** How it signs in. */
    public readonly authentication: DatabaseAuthentication,
    /** The schema migrations (a custom resource): what signs in must be created after them. */
    public readonly schema: IDependable,
    private readonly connect: (grantee: iam.IGrantable) => iam.Grant,
    /**
     * The role's own secret (`username`, `password`, `host`, `port`, `dbname`, `engine`).
     *
     * @default - undefined with IAM database authentication
     */
    public readonly secret?: secretsmanager.ISecret,
  ) {}

  /**
   * Grants signing in: `rds-db:connect` as the role with IAM database authentication, reading the
   * role's secret (and decrypting it through Secrets Manager) otherwise.
   *
   * @param grantee the principal that signs in
   */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    return this.connect(grantee);
  }
}
