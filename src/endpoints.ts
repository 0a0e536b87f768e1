import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PipelineNames } from './private/names';

/**
 * Which VPC endpoints the pipeline creates, so that its clients reach AWS with no internet path
 * (no NAT gateway, no public IP: LGPD Art. 46).
 */
export enum ClientEndpoints {
  /** None: the VPC already has them, or the clients reach AWS another way. */
  NONE = 'NONE',
  /**
   * Interface endpoints for Kinesis Data Streams and Secrets Manager: what a producer or processor of
   * the pipeline calls (a processor's Lambda event source mapping polls the stream from the Lambda
   * service, outside the VPC).
   */
  PIPELINE = 'PIPELINE',
  /**
   * `PIPELINE`, plus what container and observability clients need: ECR (`ecr.api`, `ecr.dkr`),
   * CloudWatch Logs, STS, and the S3 gateway endpoint (ECR image layers) on the application subnets'
   * route tables.
   */
  PIPELINE_AND_CONTAINERS = 'PIPELINE_AND_CONTAINERS',
}

/** Properties of {@link PipelineEndpoints}. */
export interface PipelineEndpointsProps {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** The subnets the clients live in: the interface endpoints get a network interface in each AZ of them. */
  readonly subnets: ec2.SubnetSelection;
  /** Which endpoints; `PIPELINE` with a new VPC and `NONE` with a brought one when undefined. */
  readonly endpoints?: ClientEndpoints;
  /** Whether the user brought the VPC. */
  readonly broughtVpc: boolean;
  /** The pipeline's physical names. */
  readonly names: PipelineNames;
}

/** The interface endpoints of each choice, by construct id. */
const INTERFACE_ENDPOINTS: Record<string, Array<[string, ec2.InterfaceVpcEndpointAwsService]>> = {
  [ClientEndpoints.PIPELINE]: [
    ['KinesisStreams', ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS],
    ['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
  ],
  [ClientEndpoints.PIPELINE_AND_CONTAINERS]: [
    ['KinesisStreams', ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS],
    ['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
    ['EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR],
    ['EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
    ['Logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
    ['Sts', ec2.InterfaceVpcEndpointAwsService.STS],
  ],
};

/**
 * VPC endpoints in the application subnets, with private DNS (clients use the services' usual names),
 * their own security group that admits HTTPS only from the pipeline's clients (`allowFrom`), and
 * endpoint policies that limit them to principals and resources of this account.
 *
 * Internal: `LgpdDataPipeline.allowFrom` wires a client to them.
 */
export class PipelineEndpoints extends Construct implements ec2.IConnectable {
  /** The endpoints the pipeline's clients get, or undefined for `ClientEndpoints.NONE`. */
  public static forClients(scope: Construct, id: string, props: PipelineEndpointsProps): PipelineEndpoints | undefined {
    const endpoints = props.endpoints ?? (props.broughtVpc ? ClientEndpoints.NONE : ClientEndpoints.PIPELINE);
    return endpoints === ClientEndpoints.NONE ? undefined : new PipelineEndpoints(scope, id, { ...props, endpoints });
  }

  /** HTTPS from the clients to the interface endpoints; `allowDefaultPortFrom(client)` admits one. */
  public readonly connections: ec2.Connections;
  /** Whether the S3 gateway endpoint exists, whose prefix list a client with restricted egress must reach. */
  public s3Gateway = false;

  private readonly props: PipelineEndpointsProps;
  private readonly securityGroup: ec2.ISecurityGroup;
  private readonly policy: iam.PolicyStatement;
  private readonly services = new Set<string>();

  private constructor(scope: Construct, id: string, props: PipelineEndpointsProps) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);
    const securityGroup = this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      securityGroupName: props.names.endpointSecurityGroup,
      description: `VPC endpoints of the LGPD pipeline (${props.names.suffix}): HTTPS only from allowed clients`,
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(443) });

    // Anyone may call through the endpoints only as a principal of this account, and only on resources
    // of this account (`IfExists`: a few calls name no resource, ecr:GetAuthorizationToken for one).
    // The principal is the plain "*" an endpoint policy takes (StarPrincipal), not {"AWS": "*"}.
    const thisAccount = new iam.PolicyStatement({
      principals: [new iam.StarPrincipal()],
      actions: ['*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:PrincipalAccount': stack.account },
        StringEqualsIfExists: { 'aws:ResourceAccount': stack.account },
      },
    });

    this.policy = thisAccount;
    for (const [endpointId, service] of INTERFACE_ENDPOINTS[props.endpoints!] ?? []) this.addInterfaceEndpoint(endpointId, service);

    if (props.endpoints === ClientEndpoints.PIPELINE_AND_CONTAINERS) {
      const s3 = this.addGateway(ec2.GatewayVpcEndpointAwsService.S3);
      // ECR keeps image layers in an S3 bucket of AWS's own account, which clients must read to pull.
      s3.addToPolicy(new iam.PolicyStatement({
        principals: [new iam.StarPrincipal()],
        actions: ['s3:GetObject'],
        resources: [`arn:${stack.partition}:s3:::prod-${stack.region}-starport-layer-bucket/*`],
        conditions: { StringEquals: { 'aws:PrincipalAccount': stack.account } },
      }));
    }
  }

  /**
   * Adds an interface endpoint for `service` unless there is one already (`ILgpdDataPipeline.addClientEndpoint`),
   * with the construct id of its short name in PascalCase (`sqs` -> `Sqs`, `ecr.dkr` -> `EcrDkr`).
   */
  public add(service: ec2.InterfaceVpcEndpointAwsService): void {
    const id = service.shortName.split(/[.-]/).map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('');
    this.addInterfaceEndpoint(id, service);
  }

  /**
   * Adds a gateway endpoint for `service` on the client subnets' route tables unless there is one already
   * (`ILgpdDataPipeline.addClientGatewayEndpoint`), with the construct id of the service's short name in
   * PascalCase (`s3` -> `S3`), limited to principals and resources of this account.
   */
  public addGateway(service: ec2.GatewayVpcEndpointAwsService): ec2.GatewayVpcEndpoint {
    const id = service.name.split('.').pop()!.split(/[.-]/).map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('');
    const existing = this.node.tryFindChild(id);
    if (existing instanceof ec2.GatewayVpcEndpoint) return existing;
    const endpoint = new ec2.GatewayVpcEndpoint(this, id, { vpc: this.props.vpc, service, subnets: [this.props.subnets] });
    endpoint.addToPolicy(this.policy);
    if (service.name.endsWith('.s3')) this.s3Gateway = true;
    return endpoint;
  }

  private addInterfaceEndpoint(id: string, service: ec2.InterfaceVpcEndpointAwsService): void {
    if (this.services.has(service.name)) return;
    this.services.add(service.name);
    const endpoint = new ec2.InterfaceVpcEndpoint(this, id, {
      vpc: this.props.vpc,
      service,
      subnets: { ...this.props.subnets, onePerAz: true },
      securityGroups: [this.securityGroup],
      // Not `open`: that would admit the whole VPC CIDR, the data subnets included, on 443.
      open: false,
      privateDnsEnabled: true,
    });
    endpoint.addToPolicy(this.policy);
  }

  /**
   * Lets `client` call AWS through the endpoints: HTTPS to the interface endpoints' security group, with
   * the client's matching egress, and, with the S3 gateway, the client's egress on 443 (in an isolated
   * subnet that reaches only what the route tables route: the S3 gateway and the VPC itself).
   */
  public allowFrom(client: ec2.IConnectable): void {
    this.connections.allowDefaultPortFrom(client, 'LGPD pipeline client to the VPC endpoints');
    if (this.s3Gateway) {
      client.connections.allowTo(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'S3 gateway endpoint: routed to S3 only');
    }
  }
}
