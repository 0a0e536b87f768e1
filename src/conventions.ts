import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeFinding } from './private/acknowledge';
import { encryptedLogGroup } from './private/log-group';
import { PipelineNames } from './private/names';

/**
 * The rules a pipeline's own parts follow for their resources, for add-ons to follow too: physical
 * names that carry the environment suffix, what is kept when the pipeline leaves the stack, log groups
 * encrypted with the pipeline key and bounded, and findings acknowledged on the one construct they
 * concern. `ILgpdDataPipeline.conventions`.
 */
export class PipelineConventions {
  /** @internal */
  public static _of(names: PipelineNames, removalPolicy: RemovalPolicy, logRetention: logs.RetentionDays, key: kms.IKey): PipelineConventions {
    return new PipelineConventions(names, removalPolicy, logRetention, key);
  }

  private constructor(
    private readonly names: PipelineNames,
    /**
     * What happens to what the pipeline keeps (secrets, logs, queues) when it leaves the stack:
     * `RETAIN_ON_UPDATE_OR_DELETE`, or `DESTROY` for a destroyable pipeline. Give an add-on's own data
     * and logs the same.
     */
    public readonly removalPolicy: RemovalPolicy,
    /** How long the pipeline's log groups keep logs. */
    public readonly logRetention: logs.RetentionDays,
    private readonly key: kms.IKey,
  ) {}

  /**
   * A physical name for one of an add-on's resources, `lgpd-<kind>-<suffix>-<id in kebab case>`, for
   * example `lgpd-processor-dev-order-processor` for kind `processor` and id `OrderProcessor`. It fits
   * Lambda's 64 characters, the tightest name limit of the services add-ons use.
   *
   * @param kind what the add-on is, lowercase letters: `processor`, `rights`
   * @param id the add-on's construct id: letters and digits, starting with a letter
   */
  public physicalName(kind: string, id: string): string {
    return this.names.addOn(kind, id);
  }

  /**
   * A log group the way the pipeline makes its own: created by the stack (not by the service on first
   * write), encrypted with the pipeline key, kept `logRetention`, removed per `removalPolicy`.
   *
   * @param scope the construct that holds the log group
   * @param id the log group's construct id
   * @param logGroupName its name, for example `/aws/lambda/<function name>`
   */
  public logGroup(scope: Construct, id: string, logGroupName: string): logs.LogGroup {
    return encryptedLogGroup(scope, id, { logGroupName, encryptionKey: this.key, retention: this.logRetention, removalPolicy: this.removalPolicy });
  }

  /**
   * Acknowledges a finding on one construct, with the reason a reviewer reads: a cdk-nag rule
   * (`AwsSolutions-IAM5`, `LGPD-PersonalDataStoreAlarmed`, or a granular id such as
   * `AwsSolutions-IAM5[Resource::*]`), or a checkov check (`CKV_AWS_115`) on the resource itself.
   *
   * @param scope the construct the finding is on
   * @param ruleId the rule's id
   * @param reason why the finding is accepted
   */
  public acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    acknowledgeFinding(scope, ruleId, reason);
  }
}
