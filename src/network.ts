import { Annotations, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeInPacks, HIPAA_NIST_PCI } from './private/acknowledge';
import { DefaultSecurityGroupRestriction } from './private/default-security-group';
import { encryptedLogGroup } from './private/log-group';
import { PipelineNames } from './private/names';
import { RemovalRules } from './private/removal';
import { checkInt, fail } from './private/validation';

/** Properties of {@link PipelineNetwork}. */
export interface PipelineNetworkProps {
  /** The pipeline's physical names. */
  readonly names: PipelineNames;
  /** How many availability zones the VPC spans, 2 to 6; 2 when undefined. */
  readonly azCount?: number;
  /** The key that encrypts the log groups. */
  readonly encryptionKey: kms.IKey;
  /** How long flow logs are kept; the pipeline default when undefined. */
  readonly logRetention?: logs.RetentionDays;
  /** The pipeline's removal rules. */
  readonly removal: RemovalRules;
}

/**
 * The pipeline's network: a VPC across `azCount` availability zones with, in each AZ, a public subnet
 * (which never assigns public IPs), an isolated data subnet for the stores and an isolated application
 * subnet for their clients (neither has a route to an internet gateway or NAT), the default security
 * group closed, and every flow logged to a log group encrypted with the pipeline key.
 *
 * The subnet groups are appended in this order on purpose: ec2.Vpc allocates CIDRs in the order of
 * `subnetConfiguration`, so a group added at the end leaves every existing subnet (and so the
 * database and cache subnet groups) as it is.
 *
 * Internal: the pipeline exposes the VPC as `LgpdDataPipeline.vpc`.
 */
export class PipelineNetwork extends Construct {
  /** The subnets the data tier (database, cache) lives in. */
  public static readonly DATA_SUBNETS: ec2.SubnetSelection = { subnetGroupName: 'Data' };
  /** The subnets the pipeline's clients (processors, producers) and their VPC endpoints live in. */
  public static readonly APPLICATION_SUBNETS: ec2.SubnetSelection = { subnetGroupName: 'Application' };

  /** The VPC. */
  public readonly vpc: ec2.Vpc;
  /** The log group that receives the VPC flow logs. */
  public readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineNetworkProps) {
    super(scope, id);
    const names = props.names;
    checkInt('azCount', props.azCount, 2, 6, 'automatic failover needs two availability zones');

    this.vpc = new ec2.Vpc(this, 'Resource', {
      vpcName: names.vpc,
      availabilityZones: availabilityZones(this, props.azCount ?? 2),
      natGateways: 0,
      restrictDefaultSecurityGroup: false, // closed below, by DefaultSecurityGroupRestriction
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        { name: 'Application', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });

    // The default security group is closed by our own small inline Lambda rather than aws-cdk-lib's
    // restrictDefaultSecurityGroup provider, which costs every synth ~150 ms (docs/performance.md).
    new DefaultSecurityGroupRestriction(this, 'DefaultSecurityGroup', {
      vpc: this.vpc,
      functionName: names.defaultSecurityGroupFunction,
      encryptionKey: props.encryptionKey,
      logRetention: props.logRetention,
      removalPolicy: props.removal.keep,
    });

    this.flowLogGroup = encryptedLogGroup(this, 'FlowLogs', {
      logGroupName: names.flowLogGroup,
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removal.keep,
    });

    // The flow log role gets its permissions from a customer-managed policy, not from the inline policy
    // aws-cdk-lib would add (HIPAA/NIST/PCI IAMNoInlinePolicy): the role handed to the flow log is the
    // immutable view of it, so nothing is added inline.
    // Only for flow logs of this account (confused deputy): VPC Flow Logs sends aws:SourceAccount.
    const flowLogRole = new iam.Role(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `Delivers the flow logs of ${names.vpc} to ${names.flowLogGroup}`,
    });
    flowLogRole.addManagedPolicy(new iam.ManagedPolicy(this, 'FlowLogPolicy', {
      description: `Write the flow logs of ${names.vpc} to ${names.flowLogGroup}`,
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [this.flowLogGroup.logGroupArn],
      })],
    }));
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, flowLogRole.withoutPolicyUpdates()),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    // The public subnets (for load balancers a user adds) route 0.0.0.0/0 to the
    // internet gateway; that is what makes them public. They assign no public IPs, and the data tier
    // lives in the isolated subnets, whose route tables have no such route.
    for (const subnet of this.vpc.publicSubnets) {
      const route = subnet.node.tryFindChild('DefaultRoute');
      if (route) {
        acknowledgeInPacks(route, HIPAA_NIST_PCI, 'VPCNoUnrestrictedRouteToIGW',
          'The default route of a public subnet is its route to the internet gateway; the subnet assigns no public IPs and no data store lives in it (data subnets are isolated, with no route to an IGW or NAT).');
      }
    }
  }
}

/**
 * The stack's first `azCount` availability zones. An env-agnostic stack only knows two AZ names, so
 * there the AZs are selected from `Fn::GetAZs` at deploy time; a stack with a concrete account and
 * region knows its AZs, and asking for more than it has is an error.
 */
function availabilityZones(scope: Construct, azCount: number): string[] {
  const stack = Stack.of(scope);
  const known = stack.availabilityZones;
  if (known.every(az => Token.isUnresolved(az))) {
    if (azCount > 2) {
      Annotations.of(scope).addWarningV2('cdk-lgpd-data-pipeline:azCountUnchecked',
        `azCount is ${azCount} in an env-agnostic stack: the region must offer ${azCount} availability zones at deploy time.`);
    }
    return Array.from({ length: azCount }, (_, i) => Fn.select(i, Fn.getAzs()));
  }
  if (known.length < azCount) {
    fail('azCount', azCount, `stack ${stack.stackName} in ${stack.region} has only ${known.length} availability zones (${known.join(', ')})`);
  }
  return known.slice(0, azCount);
}

/** Where the data tier and the clients live: `vpcSubnets` and `clientSubnets` of the pipeline. */
export interface PipelineSubnets {
  /** The subnets of the stores. */
  readonly data: ec2.SubnetSelection;
  /** The subnets of the clients and their VPC endpoints. */
  readonly clients: ec2.SubnetSelection;
}

/**
 * The data and client subnet selections: the pipeline's own Data and Application groups, or, in a
 * brought VPC, its isolated (else private) subnets for the data and its private subnets with egress
 * (else the data subnets) for the clients. Neither may be public.
 *
 * @param vpc the pipeline's VPC
 * @param brought whether the user brought `vpc`
 * @param data the user's `vpcSubnets`, if any
 * @param clients the user's `clientSubnets`, if any
 */
export function selectPipelineSubnets(vpc: ec2.IVpc, brought: boolean, data?: ec2.SubnetSelection, clients?: ec2.SubnetSelection): PipelineSubnets {
  const hasIsolated = vpc.isolatedSubnets.length > 0;
  const dataSubnets = data ?? (!brought ? PipelineNetwork.DATA_SUBNETS
    : hasIsolated ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } : { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  const clientSubnets = clients ?? (!brought ? PipelineNetwork.APPLICATION_SUBNETS
    : vpc.privateSubnets.length > 0 ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } : dataSubnets);
  if (vpc.selectSubnets(dataSubnets).hasPublic) {
    fail('vpcSubnets', 'public subnets', 'the data tier must live in private or isolated subnets');
  }
  if (vpc.selectSubnets(clientSubnets).hasPublic) {
    fail('clientSubnets', 'public subnets', 'clients must run in private or isolated subnets, reaching AWS through VPC endpoints');
  }
  return { data: dataSubnets, clients: clientSubnets };
}
