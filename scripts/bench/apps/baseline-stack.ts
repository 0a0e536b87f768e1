/**
 * The pipeline's core resources written by hand with plain aws-cdk-lib, nothing more: a VPC, a KMS key, an
 * encrypted Kinesis stream, RDS PostgreSQL, an ElastiCache replication group, two security groups,
 * and the eight outputs a pipeline of this shape exports. Shared by baseline.ts and baseline-plus.ts.
 */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';

export interface BaselineOptions {
  /** Close the VPC's default security group the plain aws-cdk-lib way. */
  readonly restrictDefaultSecurityGroup?: boolean;
}

/** Builds the core resources in `stack` and returns the ones a caller adds to. */
export function buildBaseline(stack: Stack, options: BaselineOptions = {}) {
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    restrictDefaultSecurityGroup: options.restrictDefaultSecurityGroup ?? false,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const stream = new kinesis.Stream(stack, 'Stream', { shardCount: 2, encryption: kinesis.StreamEncryption.KMS, encryptionKey: key });
  const dbSg = new ec2.SecurityGroup(stack, 'DbSg', { vpc, allowAllOutbound: false });
  const cacheSg = new ec2.SecurityGroup(stack, 'CacheSg', { vpc, allowAllOutbound: false });
  const db = new rds.DatabaseInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_7 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [dbSg],
    storageEncrypted: true,
    storageEncryptionKey: key,
    multiAz: true,
  });
  const subnets = new elasticache.CfnSubnetGroup(stack, 'CacheSubnets', {
    description: 'cache',
    subnetIds: vpc.isolatedSubnets.map(s => s.subnetId),
  });
  const cache = new elasticache.CfnReplicationGroup(stack, 'Cache', {
    replicationGroupDescription: 'cache',
    engine: 'redis',
    cacheNodeType: 'cache.t4g.small',
    numCacheClusters: 2,
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    cacheSubnetGroupName: subnets.ref,
    securityGroupIds: [cacheSg.securityGroupId],
    atRestEncryptionEnabled: true,
    kmsKeyId: key.keyArn,
    transitEncryptionEnabled: true,
  });
  const outputs: Record<string, string> = {
    VpcId: vpc.vpcId,
    StreamName: stream.streamName,
    StreamArn: stream.streamArn,
    RdsEndpoint: db.dbInstanceEndpointAddress,
    RdsArn: db.instanceArn,
    RedisEndpoint: cache.attrPrimaryEndPointAddress,
    RedisPort: cache.attrPrimaryEndPointPort,
    KmsKeyId: key.keyId,
  };
  for (const [id, value] of Object.entries(outputs)) new CfnOutput(stack, id, { value });
  return { key, vpc, stream, db, cache };
}
