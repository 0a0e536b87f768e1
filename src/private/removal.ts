import { RemovalPolicy } from 'aws-cdk-lib';

/**
 * What the pipeline's one `removalPolicy` prop means for each kind of resource. Decided here only:
 * every part asks this class instead of mapping the policy itself.
 *
 * - `undefined` (the default) keeps the data: stores and evidence are retained, the database and the
 *   cache leave a final snapshot, and the database has deletion protection.
 * - `RETAIN` also retains the database and the cache whole.
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
   * Configuration that holds no data (parameter and subnet groups of RDS): deleted when destroyable,
   * else left to the resource's own default.
   */
  public readonly configuration?: RemovalPolicy;

  private constructor(policy?: RemovalPolicy) {
    this.destroyable = policy === RemovalPolicy.DESTROY;
    this.keep = this.destroyable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.snapshot = this.destroyable ? RemovalPolicy.DESTROY
      : policy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN : RemovalPolicy.SNAPSHOT;
    this.configuration = this.destroyable ? RemovalPolicy.DESTROY : undefined;
  }
}
