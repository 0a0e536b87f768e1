import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ILgpdDataPipeline } from '../add-on';
import { ResidualCopySetting } from '../private/rights-contract';
import { TransactionProcessor } from '../processor/transaction-processor';

/** CloudFormation's default backup retention of a DB instance, and ElastiCache's of snapshots. */
const RDS_DEFAULT_BACKUP_DAYS = 1;
const ELASTICACHE_DEFAULT_SNAPSHOT_DAYS = 0;

/**
 * The copies of a subject's data that an erasure cannot reach and that the stores' own retention removes,
 * each with that retention as deployed (read from the synthesized resources), for the answer to name with
 * the date each is gone by (what each may hold is the worker's to say: handlers/data-subject-rights/residual.ts).
 * Read lazily, at synth time.
 */
export function residualCopies(pipeline: ILgpdDataPipeline, exportExpiration: Duration): ResidualCopySetting[] {
  const stack = Stack.of(pipeline);
  const number = (value: unknown, fallback: number) => {
    const resolved = stack.resolve(value);
    return typeof resolved === 'number' ? resolved : fallback;
  };
  const literal = (value: string) => {
    const resolved = stack.resolve(value);
    return typeof resolved === 'string' && !Token.isUnresolved(resolved) ? resolved : JSON.stringify(resolved);
  };
  const instance = pipeline.database.node.defaultChild as rds.CfnDBInstance;
  const day = 86_400;
  // The quarantine queues of the processors that read this stream: records that are not valid
  // transactions, kept with their payload (which may name the subject).
  const stream = JSON.stringify(stack.resolve(pipeline.stream.streamArn));
  const quarantines = stack.node.findAll()
    .filter((c): c is TransactionProcessor => c instanceof TransactionProcessor)
    .filter(p => JSON.stringify(stack.resolve((p.eventSourceMapping.node.defaultChild as lambda.CfnEventSourceMapping).eventSourceArn)) === stream)
    .map(p => p.quarantineQueue.node.defaultChild as sqs.CfnQueue);
  return [
    {
      copy: 'stream',
      location: `Kinesis stream ${literal((pipeline.stream.node.defaultChild as kinesis.CfnStream).name ?? pipeline.stream.streamName)}`,
      retentionSeconds: pipeline.streamRetention.toSeconds(),
    },
    {
      copy: 'database-backups',
      location: `RDS automated backups of ${literal(instance.dbInstanceIdentifier ?? instance.ref)}`,
      retentionSeconds: number(instance.backupRetentionPeriod, RDS_DEFAULT_BACKUP_DAYS) * day,
    },
    {
      copy: 'cache-snapshots',
      location: `ElastiCache snapshots of ${literal(pipeline.cacheReplicationGroup.replicationGroupId ?? pipeline.cacheReplicationGroup.ref)}`,
      retentionSeconds: number(pipeline.cacheReplicationGroup.snapshotRetentionLimit, ELASTICACHE_DEFAULT_SNAPSHOT_DAYS) * day,
    },
    {
      copy: 'log-groups',
      location: 'the pipeline\'s CloudWatch Logs log groups',
      retentionSeconds: pipeline.conventions.logRetention * day,
    },
    ...quarantines.map(queue => ({
      copy: 'quarantine-queue',
      location: `SQS queue ${literal(queue.queueName ?? queue.ref)}`,
      // SQS's default retention is 4 days.
      retentionSeconds: number(queue.messageRetentionPeriod, 4 * day),
    })),
    {
      copy: 'export-bucket',
      location: 'the access-export bucket',
      retentionSeconds: exportExpiration.toSeconds(),
    },
  ];
}
