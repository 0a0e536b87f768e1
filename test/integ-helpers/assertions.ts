/**
 * The post-deploy assertions every integration case makes, with @aws-cdk/integ-tests-alpha. They run
 * in the case's assertion stack after the pipeline stack is deployed, and they are part of the
 * committed snapshot (`<case>DefaultTestDeployAssert....template.json`).
 */
import { ExpectedResult, IApiCall, IDeployAssert, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PipelineCaseStack, testRecord, testTransaction } from './cases';
import { acknowledgeCheckov } from '../../src/private/acknowledge';

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
 * - a record put on the stream is read back by the case's consumer function;
 * - an alarm forced into ALARM (SetAlarmState) delivers its notification through the encrypted alarm
 *   topic to the case's queue;
 * - the VPC's default security group has no rule left, when the pipeline made the VPC.
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
    { ReplicationGroupId: pipeline.cacheReplicationGroup.ref }, 'ReplicationGroups.0', {
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
      streamName: pipeline.stream.streamName,
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

  // The processor round trip: the record put above is stored by the transaction processor, found in
  // PostgreSQL and in the customer's state in Redis by the look-up in the application subnets (the
  // processor reads the stream asynchronously: the look-up is retried until both have it).
  if (stack.processor) {
    const transaction = testTransaction(pipeline.environmentSuffix);
    const lookup = assertions.invokeFunction({
      functionName: stack.processor.lookup.function.functionName,
      payload: JSON.stringify({ transactionId: transaction.transactionId, customerId: transaction.customerId }),
    });
    lookup.expect(ExpectedResult.objectLike({
      StatusCode: 200,
      Payload: Match.stringLikeRegexp(`"transaction_id":"${transaction.transactionId}".*"amount":"42.00".*"currency":"BRL".*`
        + `"lastTransactionId":"${transaction.transactionId}".*"inCustomerTransactions":true`),
    })).waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(20) });
    put.next(lookup);
  }

  // Alarm delivery: CloudWatch publishes to the KMS-encrypted topic (its topic policy and the key must
  // admit it), and SNS delivers to the case's queue. The alarm returns to its real state at its next
  // evaluation and notifies again (OK), so the queue is read until the ALARM notification comes up.
  const [alarm] = pipeline.alarms;
  const alarmName = `lgpd-pipeline-${pipeline.environmentSuffix}-stream-iterator-age`;
  const forceAlarm = assertions.awsApiCall('CloudWatch', 'setAlarmState', {
    AlarmName: alarm.alarmName,
    StateValue: 'ALARM',
    StateReason: 'Integration test: alarm delivery to the alarm topic',
  });
  const inbox = assertions.awsApiCall('SQS', 'receiveMessage', { QueueUrl: stack.alarmInbox.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 20 });
  inbox.assertAtPath('Messages.0.Body', ExpectedResult.stringLikeRegexp(`${alarmName}[\\s\\S]*NewStateValue.{1,6}ALARM`))
    .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(30) });
  forceAlarm.next(inbox);

  // The VPC's default security group is closed: no ingress, no egress rule.
  if (expected.ownsVpc) {
    if (!(pipeline.vpc instanceof ec2.Vpc)) throw new Error(`${stack.stackName}: expected the pipeline to have made its VPC`);
    assertions.awsApiCall('EC2', 'describeSecurityGroups', { GroupIds: [pipeline.vpc.vpcDefaultSecurityGroup] })
      .expect(ExpectedResult.objectLike({ SecurityGroups: [Match.objectLike({ IpPermissions: [], IpPermissionsEgress: [] })] }));
  }

  acknowledgeProvider(Stack.of(read));
}

/**
 * integ-tests-alpha's assertion provider, acknowledged in this stack only, where it is made (listed in
 * docs/first-deploy.md): it grants `lambda:Invoke` (not an IAM action) next to `lambda:InvokeFunction`
 * for `invokeFunction` (cfn-lint W3037), one statement on `*` per API the assertions call (checkov
 * CKV_AWS_111), its function is the library's as it writes it (checkov CKV_AWS_115/116/117), and the
 * state machine of `waitForAssertions` depends on its role both by DependsOn and by GetAtt (cfn-lint W3005).
 */
function acknowledgeProvider(assertStack: Stack): void {
  const provider = 'The assertion provider of @aws-cdk/integ-tests-alpha, which exists only while a test case runs';
  for (const child of assertStack.node.findAll()) {
    if (CfnResource.isCfnResource(child) && child.cfnResourceType === 'AWS::StepFunctions::StateMachine') {
      child.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
    }
    if (!CfnResource.isCfnResource(child) || !child.node.path.includes('/SingletonFunction')) continue;
    if (child.cfnResourceType === 'AWS::IAM::Role') {
      child.addMetadata('cfn-lint', { config: { ignore_checks: ['W3037'] } });
      acknowledgeCheckov(child, 'CKV_AWS_111', `${provider}: the library grants each API the assertions call on every resource.`);
    }
    if (child.cfnResourceType === 'AWS::Lambda::Function') {
      acknowledgeCheckov(child, 'CKV_AWS_115', `${provider}: invoked by CloudFormation a few times per run.`);
      acknowledgeCheckov(child, 'CKV_AWS_116', `${provider}: CloudFormation waits for its answer and fails the test case without one.`);
      acknowledgeCheckov(child, 'CKV_AWS_117', `${provider}: it calls AWS APIs only.`);
    }
  }
}
