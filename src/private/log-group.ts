import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_LOG_RETENTION } from './limits';

/** Properties of {@link encryptedLogGroup}. */
export interface EncryptedLogGroupProps {
  /** The log group name; a generated one when undefined. */
  readonly logGroupName?: string;
  /** The key that encrypts the log events. */
  readonly encryptionKey: kms.IKey;
  /** How long events are kept; DEFAULT_LOG_RETENTION when undefined. */
  readonly retention?: logs.RetentionDays;
  /** What happens to the log group when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The pipeline's one recipe for a log group: created by the stack (not by a service on first write,
 * which would leave it unencrypted, unbounded and unowned), encrypted with the pipeline key, with a
 * bounded retention and the pipeline's removal rule.
 */
export function encryptedLogGroup(scope: Construct, id: string, props: EncryptedLogGroupProps): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    logGroupName: props.logGroupName,
    encryptionKey: props.encryptionKey,
    retention: props.retention ?? DEFAULT_LOG_RETENTION,
    removalPolicy: props.removalPolicy,
  });
}
