import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';

/**
 * The pipeline's core resources written by hand in plain aws-cdk-lib, encrypted and nothing more (the
 * "before" of the compliance figures): a two-AZ VPC with public and private subnets, a customer-managed key, a stream
 * encrypted with it, encrypted PostgreSQL in private subnets, a two-node Redis replication group with
 * failover and encryption, security groups that admit only the VPC. Encrypted, but nothing more.
 */
export function handWrittenPipeline(stack: Stack): void {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const key = new kms.Key(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY });
  new kinesis.Stream(stack, 'Stream', { shardCount: 2, encryptionKey: key, removalPolicy: RemovalPolicy.DESTROY });

  const dbSg = new ec2.SecurityGroup(stack, 'DbSg', { vpc });
  dbSg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(5432));
  new rds.DatabaseInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_7 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [dbSg],
    storageEncrypted: true,
    storageEncryptionKey: key,
    removalPolicy: RemovalPolicy.DESTROY,
  });

  const cacheSg = new ec2.SecurityGroup(stack, 'CacheSg', { vpc });
  cacheSg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(6379));
  const subnets = new elasticache.CfnSubnetGroup(stack, 'CacheSubnets', {
    description: 'cache', subnetIds: vpc.privateSubnets.map(s => s.subnetId),
  });
  new elasticache.CfnReplicationGroup(stack, 'Cache', {
    replicationGroupDescription: 'cache',
    engine: 'redis',
    cacheNodeType: 'cache.t4g.small',
    numCacheClusters: 2,
    automaticFailoverEnabled: true,
    atRestEncryptionEnabled: true,
    kmsKeyId: key.keyArn,
    transitEncryptionEnabled: true,
    cacheSubnetGroupName: subnets.ref,
    securityGroupIds: [cacheSg.securityGroupId],
  });
}
