import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CacheEngineVersion, CacheNodeType } from './cache-types';
import { CacheAccess, PipelineCacheUsers } from './cache-users';
import type { LgpdDataPipelineProps } from './pipeline-props';
import { acknowledge } from './private/acknowledge';
import { ReadableSecret } from './private/grants';
import { CACHE_SNAPSHOT_RETENTION_DAYS, DEFAULT_CACHE_NODES_PER_GROUP, DEFAULT_CACHE_PORT, MAX_CACHE_NODES } from './private/limits';
import { encryptedLogGroup } from './private/log-group';
import { PipelineNames } from './private/names';
import { RemovalRules } from './private/removal';
import { checkInt, fail } from './private/validation';

/**
 * Properties of {@link PipelineCache}: the pipeline's `cache*` props (each default is decided here, in
 * the cache), and what the pipeline decided.
 */
export interface PipelineCacheProps extends Pick<LgpdDataPipelineProps,
'cacheNodeType' | 'cacheEngineVersion' | 'cacheNodesPerGroup' | 'cacheNodeGroups' | 'cachePort' | 'cacheAccess'> {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** The subnets the nodes live in; they must span at least two availability zones. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The key for at-rest encryption, the AUTH secret and the log groups. */
  readonly encryptionKey: kms.IKey;
  /** The pipeline's physical names. */
  readonly names: PipelineNames;
  /** How long cache logs are kept; the pipeline default when undefined. */
  readonly logRetention?: logs.RetentionDays;
  /** The pipeline's removal rules. */
  readonly removal: RemovalRules;
}

/**
 * An ElastiCache Redis (or Valkey) replication group with automatic failover and Multi-AZ, nodes
 * spread across the subnets' availability zones, at-rest encryption with a customer-managed key,
 * in-transit encryption required, a user per job (ElastiCache role-based access control) or an AUTH
 * token (cache-users.ts), and slow and engine logs delivered to encrypted log groups.
 *
 * Written by hand: aws-cdk-lib has no L2 for ElastiCache replication groups.
 *
 * The endpoint it exposes is the right one for the mode: the primary endpoint (and the reader
 * endpoint) with cluster mode off, the configuration endpoint with cluster mode on.
 *
 * Internal: the pipeline exposes the replication group as `LgpdDataPipeline.cacheReplicationGroup`,
 * with its endpoint, secret and security group.
 */
export class PipelineCache extends Construct implements ec2.IConnectable {
  /** The underlying CloudFormation resource. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** The id of the replication group. */
  public readonly replicationGroupId: string;
  /** The security group of the nodes. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Network connections; the default port is the cache port. */
  public readonly connections: ec2.Connections;
  /**
   * The AUTH token, encrypted with the pipeline key.
   *
   * @default - undefined with `CacheAccess.USERS`
   */
  public readonly authSecret?: secretsmanager.Secret;
  /** Who may sign in: the AUTH token, or the user group and its users. */
  public readonly users: PipelineCacheUsers;
  /** Whether cluster mode is on. */
  public readonly clusterMode: boolean;
  /**
   * The address clients connect to: the primary endpoint with cluster mode off, the configuration
   * endpoint with cluster mode on.
   */
  public readonly endpointAddress: string;
  /** The port of `endpointAddress`. */
  public readonly endpointPort: string;
  /**
   * The reader endpoint, which balances reads across replicas. Cluster mode off only.
   *
   * @default - undefined with cluster mode on, where clients discover replicas themselves
   */
  public readonly readerEndpointAddress?: string;
  /** The log groups that receive the slow log and the engine log. */
  public readonly logGroups: logs.LogGroup[];
  /** Nodes per node group (a primary and its replicas). */
  public readonly nodesPerGroup: number;
  /** Node groups (shards) with cluster mode on; undefined with it off. */
  public readonly nodeGroups?: number;

  constructor(scope: Construct, id: string, props: PipelineCacheProps) {
    super(scope, id);
    const names = props.names;
    const nodesPerGroup = this.nodesPerGroup = props.cacheNodesPerGroup ?? DEFAULT_CACHE_NODES_PER_GROUP;
    this.nodeGroups = props.cacheNodeGroups;
    checkInt('cacheNodesPerGroup', props.cacheNodesPerGroup, 2, 6,
      'automatic failover needs a replica in a second availability zone; at most 5 replicas per node group');
    checkInt('cacheNodeGroups', props.cacheNodeGroups, 1, MAX_CACHE_NODES / 2, `each node group has at least two nodes, within the default quota of ${MAX_CACHE_NODES} nodes per cluster`);
    checkInt('cachePort', props.cachePort, 1024, 65535);
    if (props.cacheNodeGroups !== undefined && Token.isUnresolved(props.cacheNodesPerGroup)) {
      fail('cacheNodesPerGroup', props.cacheNodesPerGroup,
        'must be a literal integer from 2 to 6 in cluster mode: ReplicasPerNodeGroup is derived from it at synth time');
    }
    const totalNodes = (props.cacheNodeGroups ?? 1) * nodesPerGroup;
    if (!Token.isUnresolved(props.cacheNodeGroups ?? 1) && !Token.isUnresolved(nodesPerGroup) && totalNodes > MAX_CACHE_NODES) {
      fail('cacheNodeGroups', props.cacheNodeGroups, 'must keep cacheNodeGroups x cacheNodesPerGroup '
        + `(${props.cacheNodeGroups} x ${nodesPerGroup} = ${totalNodes}) at most ${MAX_CACHE_NODES} nodes, the default ElastiCache quota of nodes per cluster`);
    }

    const subnets = props.vpc.selectSubnets(props.vpcSubnets);
    const azs = new Set(subnets.subnets.map(s => s.availabilityZone));
    if (!subnets.isPendingLookup && azs.size < 2) {
      fail('vpc', `${azs.size} availability zone(s)`, 'the cache subnets must span at least two availability zones for Multi-AZ failover');
    }

    this.clusterMode = props.cacheNodeGroups !== undefined;
    const engine = props.cacheEngineVersion ?? CacheEngineVersion.REDIS_7_1;
    const port = props.cachePort ?? DEFAULT_CACHE_PORT;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      securityGroupName: names.cacheSecurityGroup,
      description: `${engine.engine} of the LGPD pipeline (${names.replicationGroup}): ingress only from allowed clients`,
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(port) });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      cacheSubnetGroupName: names.cacheSubnetGroup,
      description: `Private subnets of ${names.replicationGroup}`,
      subnetIds: subnets.subnetIds,
    });

    const access = props.cacheAccess ?? CacheAccess.USERS;
    this.users = new PipelineCacheUsers(this, { access, names, encryptionKey: props.encryptionKey, removal: props.removal });
    this.authSecret = this.users.authSecret;

    this.logGroups = ['slow-log', 'engine-log'].map(kind => encryptedLogGroup(this, `Logs${kind}`, {
      logGroupName: names.cacheLogGroup(kind),
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removal.keep,
    }));

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Resource', {
      replicationGroupId: names.replicationGroup,
      replicationGroupDescription: `LGPD pipeline cache ${names.replicationGroup}`,
      engine: engine.engine,
      engineVersion: engine.version,
      cacheNodeType: (props.cacheNodeType ?? CacheNodeType.BURSTABLE4_GRAVITON_SMALL).name,
      // Cluster mode needs a cluster-enabled parameter group; the default one of the family is.
      cacheParameterGroupName: this.clusterMode ? `default.${engine.parameterGroupFamily}.cluster.on` : undefined,
      ...(this.clusterMode
        ? { numNodeGroups: props.cacheNodeGroups, replicasPerNodeGroup: nodesPerGroup - 1 }
        : { numCacheClusters: nodesPerGroup }),
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      port,
      atRestEncryptionEnabled: true,
      kmsKeyId: props.encryptionKey.keyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      ...this.users.replicationGroupProps,
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: CACHE_SNAPSHOT_RETENTION_DAYS,
      logDeliveryConfigurations: this.logGroups.map((logGroup, i) => ({
        destinationType: 'cloudwatch-logs',
        destinationDetails: { cloudWatchLogsDetails: { logGroup: logGroup.logGroupName } },
        logFormat: 'json',
        logType: i === 0 ? 'slow-log' : 'engine-log',
      })),
    });
    this.replicationGroup.applyRemovalPolicy(props.removal.snapshot);
    if (this.users.userGroup) {
      acknowledge(this.replicationGroup, 'AwsSolutions-AEC6', 'Clients authenticate as users of an ElastiCache user group (role-based access control), which '
        + 'ElastiCache does not combine with an AUTH token: the default user can do nothing and each job\'s user only its commands on its keys. The rule checks AuthToken only.');
    }
    if (this.clusterMode) {
      // Without it CloudFormation replaces the group when NumNodeGroups changes; with it, it reshards online.
      this.replicationGroup.cfnOptions.updatePolicy = { useOnlineResharding: true };
    }
    // The subnet group holds neither data nor evidence: no kept deletion policy, so it goes with the stack
    // and with a failed create (RemovalRules.configuration is undefined unless destroyable).
    if (props.removal.configuration) subnetGroup.applyRemovalPolicy(props.removal.configuration);

    this.replicationGroupId = this.replicationGroup.ref;
    if (this.clusterMode) {
      this.endpointAddress = this.replicationGroup.attrConfigurationEndPointAddress;
      this.endpointPort = this.replicationGroup.attrConfigurationEndPointPort;
    } else {
      this.endpointAddress = this.replicationGroup.attrPrimaryEndPointAddress;
      this.endpointPort = this.replicationGroup.attrPrimaryEndPointPort;
      this.readerEndpointAddress = this.replicationGroup.attrReaderEndPointAddress;
    }
  }

  /** The AUTH token secret as grants name it (by its ARN, known before the group exists); none with users. */
  public get readableSecrets(): ReadableSecret[] {
    return this.authSecret ? [{ secret: this.authSecret }] : [];
  }
}
