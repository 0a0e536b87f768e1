/**
 * The post-deploy assertions every integration case makes, with @aws-cdk/integ-tests-alpha. They run
 * in the case's assertion stack after the pipeline stack is deployed, and they are part of the
 * committed snapshot (`<case>DefaultTestDeployAssert....template.json`).
 */
import { ExpectedResult, IApiCall, IDeployAssert, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { PipelineCaseStack, testRecord } from './cases';

/** What a case expects of its deployed pipeline. */
export interface ExpectedPipeline {
  /** Whether the cache runs in cluster mode (node groups). */
  readonly clusterMode: boolean;
  /** Whether the database runs a Multi-AZ standby. */
  readonly multiAzDatabase: boolean;
  /** Whether the database has deletion protection (on unless the pipeline is destroyable). */
  readonly deletionProtection: boolean;
  /** Whether the pipeline made the VPC (and so closed its default security group). */
  readonly ownsVpc: boolean;
}

/**
 * One describe call per expected attribute, asserted at that attribute's path. The DescribeDBInstances
 * and DescribeReplicationGroups responses are larger than the 4 KB a custom resource may return, so
 * each call returns only the one attribute it asserts. The calls run one after another.
 */
function expectAttributes(assertions: IDeployAssert, service: string, api: string, parameters: object,
  prefix: string, expected: Record<string, ExpectedResult>): IApiCall[] {
  const calls: IApiCall[] = [];
  for (const [path, result] of Object.entries(expected)) {
    const call = assertions.awsApiCall(service, api, parameters).assertAtPath(`${prefix}.${path}`, result);
    calls.at(-1)?.next(call);
    calls.push(call);
  }
  return calls;
}

/**
 * Adds the assertions to the case's assertion stack:
 *
 * - the stream is KMS-encrypted with the pipeline key;
 * - the replication group has automatic failover, Multi-AZ, at-rest encryption with the pipeline
 *   key and in-transit encryption required;
 * - the DB instance has storage encrypted with the pipeline key, no public access and IAM
 *   authentication;
 * - a record put on the stream is read back by the case's consumer function.
 */
export function addPipelineAssertions(integ: IntegTest, stack: PipelineCaseStack, expected: ExpectedPipeline): void {
  const assertions = integ.assertions;
  const pipeline = stack.pipeline;
  const keyId = Match.stringLikeRegexp(pipeline.encryptionKey.keyId);

  // The stream: encrypted with the pipeline key (the response is small: asserted whole).
  assertions.awsApiCall('Kinesis', 'describeStreamSummary', { StreamName: pipeline.stream.streamName })
    .expect(ExpectedResult.objectLike({
      StreamDescriptionSummary: { StreamStatus: 'ACTIVE', EncryptionType: 'KMS', KeyId: keyId },
    }));

  // The cache: automatic failover, Multi-AZ, both encryptions, the pipeline key.
  expectAttributes(assertions, 'ElastiCache', 'describeReplicationGroups',
    { ReplicationGroupId: pipeline.cache.replicationGroupId }, 'ReplicationGroups.0', {
      AutomaticFailover: ExpectedResult.exact('enabled'),
      MultiAZ: ExpectedResult.exact('enabled'),
      AtRestEncryptionEnabled: ExpectedResult.exact(true),
      TransitEncryptionEnabled: ExpectedResult.exact(true),
      TransitEncryptionMode: ExpectedResult.exact('required'),
      KmsKeyId: ExpectedResult.stringLikeRegexp(pipeline.encryptionKey.keyId),
      ClusterEnabled: ExpectedResult.exact(expected.clusterMode),
    });

  // The database: storage encrypted with the pipeline key, not public, IAM authentication.
  expectAttributes(assertions, 'RDS', 'describeDBInstances',
    { DBInstanceIdentifier: pipeline.database.instanceIdentifier }, 'DBInstances.0', {
      StorageEncrypted: ExpectedResult.exact(true),
      KmsKeyId: ExpectedResult.stringLikeRegexp(pipeline.encryptionKey.keyId),
      PubliclyAccessible: ExpectedResult.exact(false),
      IAMDatabaseAuthenticationEnabled: ExpectedResult.exact(true),
      MultiAZ: ExpectedResult.exact(expected.multiAzDatabase),
      DeletionProtection: ExpectedResult.exact(expected.deletionProtection),
    });

  // The round trip: put a record, then the consumer reads it back at its sequence number.
  const record = testRecord(pipeline.environmentSuffix);
  const put = assertions.awsApiCall('Kinesis', 'putRecord', {
    StreamName: pipeline.stream.streamName,
    PartitionKey: 'integ',
    Data: record,
  });
  // Putting on a KMS-encrypted stream needs a data key from the pipeline key.
  put.provider.addToRolePolicy({
    Effect: 'Allow',
    Action: ['kms:GenerateDataKey'],
    Resource: [pipeline.encryptionKey.keyArn],
  });
  const read = assertions.invokeFunction({
    functionName: stack.consumer.function.functionName,
    // Plain JSON.stringify, not Stack.toJsonString: the provider JSON-encodes the payload once more,
    // and both attribute values (a shard id and a decimal sequence number) need no escaping.
    payload: JSON.stringify({
      shardId: put.getAttString('ShardId'),
      sequenceNumber: put.getAttString('SequenceNumber'),
    }),
  });
  // The consumer returns the record's data (Lambda serializes the returned string as JSON, so the
  // payload's quotes are escaped): match the record's content, whatever the escaping.
  read.expect(ExpectedResult.objectLike({
    StatusCode: 200,
    Payload: Match.stringLikeRegexp(`tx-${pipeline.environmentSuffix}.+42\\.00.+BRL`),
  }));
  // No put.next(read): the payload's GetAtt already orders the invocation after the put (an explicit
  // DependsOn as well is cfn-lint W3005).

  acknowledgeProviderPolicy(Stack.of(read));
}

/**
 * integ-tests-alpha's assertion provider grants `lambda:Invoke` (not an IAM action) next to
 * `lambda:InvokeFunction` for `invokeFunction`: cfn-lint W3037, acknowledged on the provider's role
 * in this stack only, where it is made.
 */
function acknowledgeProviderPolicy(assertStack: Stack): void {
  for (const child of assertStack.node.findAll()) {
    if (CfnResource.isCfnResource(child) && child.cfnResourceType === 'AWS::IAM::Role'
      && child.node.path.includes('/SingletonFunction')) {
      child.addMetadata('cfn-lint', { config: { ignore_checks: ['W3037'] } });
    }
  }
}
