import { RemovalPolicy } from 'aws-cdk-lib';

/**
 * What the pipeline's one `removalPolicy` prop means for each kind of resource. Decided here only:
 * every part asks this class instead of mapping the policy itself.
 *
 * - `undefined` (the default) keeps the data: stores and evidence are retained on update and delete
 *   (never when the create that made them rolls back), the database and the cache leave a final
 *   snapshot, and the database has deletion protection.
 * - `RETAIN` (or `RETAIN_ON_UPDATE_OR_DELETE`) also retains the database and the cache whole, the same way.
 * - `DESTROY` makes the whole pipeline destroyable (test environments): nothing retained, no
 *   deletion protection, no automated backups left behind.
 */
export class RemovalRules {
  /** The rules for the pipeline's `removalPolicy` prop. */
  public static of(policy?: RemovalPolicy): RemovalRules {
    return new RemovalRules(policy);
  }

  /** Whether the whole pipeline may be destroyed with its stack. */
  public readonly destroyable: boolean;
  /** Stores and evidence kept whole: the key, the stream, the secrets and the log groups. */
  public readonly keep: RemovalPolicy;
  /** The database and the cache: a final snapshot, or retained whole with `RETAIN`. */
  public readonly snapshot: RemovalPolicy;
  /**
   * Configuration that holds neither data nor evidence (the parameter and subnet groups of RDS, the cache
   * subnet group): deleted when destroyable, else left to the resource's own default.
   */
  public readonly configuration?: RemovalPolicy;

  private constructor(policy?: RemovalPolicy) {
    this.destroyable = policy === RemovalPolicy.DESTROY;
    // What is kept is kept on updates and deletes, but not when the create that made it rolls back
    // (RetainExceptOnCreate): CloudFormation applies a plain Retain to a failed create too, and a named
    // resource left behind fails every retry with "already exists" (docs/first-deploy.md, removal).
    this.keep = this.destroyable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    const whole = policy === RemovalPolicy.RETAIN || policy === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    this.snapshot = this.destroyable ? RemovalPolicy.DESTROY : whole ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.SNAPSHOT;
    this.configuration = this.destroyable ? RemovalPolicy.DESTROY : undefined;
  }
}
