/**
 * A client in the pipeline's VPC reaches the stream, the secrets and both stores, and nothing else, with
 * no internet path. Each test places a client security group in the client subnets and follows the
 * network paths from it (test/fixtures/reachability.ts: routes, private DNS and both sides of every
 * security group rule), for each choice of endpoints and VPC.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClientEndpoints, LgpdDataPipeline, LgpdDataPipelineProps } from '../src';
import { NetworkModel } from './fixtures/reachability';

const DB = 'PipelineDatabase0EE08539 tcp/5433';
const CACHE = 'PipelineCacheD3E320C9 tcp/6380';
const KINESIS = 'kinesis-streams (interface endpoint) tcp/443';
const SECRETS = 'secretsmanager (interface endpoint) tcp/443';
const CONTAINERS = ['ecr.api (interface endpoint) tcp/443', 'ecr.dkr (interface endpoint) tcp/443', 'logs (interface endpoint) tcp/443',
  's3 (gateway endpoint) tcp/443', 'sts (interface endpoint) tcp/443'];

interface Placed {
  readonly model: NetworkModel;
  readonly template: Template;
  readonly stack: Stack;
  readonly pipeline: LgpdDataPipeline;
  /** Logical ids of the subnets `pipeline.clientSubnets` selects. */
  readonly clientSubnets: string[];
}

/**
 * A pipeline, and clients placed in `pipeline.clientSubnets`: `Wired` (no outbound by default, given to
 * allowFrom), `WiredOpen` (all outbound, given to allowFrom) and `Stranger` (all outbound, not wired).
 */
function place(props: Partial<LgpdDataPipelineProps>, vpc?: (stack: Stack) => ec2.IVpc): Placed {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { region: 'sa-east-1' } });
  const pipeline = new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev', vpc: vpc?.(stack), ...props });
  const wired = new ec2.SecurityGroup(stack, 'Wired', { vpc: pipeline.vpc, allowAllOutbound: false });
  const wiredOpen = new ec2.SecurityGroup(stack, 'WiredOpen', { vpc: pipeline.vpc, allowAllOutbound: true });
  new ec2.SecurityGroup(stack, 'Stranger', { vpc: pipeline.vpc, allowAllOutbound: true });
  pipeline.allowFrom(wired);
  pipeline.allowFrom(wiredOpen);
  const template = Template.fromStack(stack);
  const clientSubnets = pipeline.vpc.selectSubnets(pipeline.clientSubnets).subnets
    .map(s => stack.resolve((s.node.defaultChild as ec2.CfnSubnet).logicalId));
  return { model: new NetworkModel(template.toJSON()), template, stack, pipeline, clientSubnets };
}

/** The logical id of a security group created in the test stack by its construct id. */
function group(placed: Placed, id: string): string {
  return placed.stack.resolve((placed.stack.node.findChild(id).node.defaultChild as ec2.CfnSecurityGroup).logicalId);
}

describe('a new VPC with the default endpoints (PIPELINE)', () => {
  const placed = place({});
  const { model, clientSubnets } = placed;

  test('clientSubnets are the application subnets: one per AZ, isolated, apart from the data subnets', () => {
    expect(clientSubnets).toEqual(model.subnetsNamed('Application'));
    expect(clientSubnets).toHaveLength(2);
    for (const subnet of clientSubnets) expect(model.routesOf(model.routeTableOf(subnet)!)).toEqual([]);
    expect(model.subnetsNamed('Data').filter(s => clientSubnets.includes(s))).toEqual([]);
  });

  test('a wired client with no outbound by default reaches the database, the cache and the two endpoints, nothing else, no internet', () => {
    expect(model.reachableFrom(group(placed, 'Wired'), clientSubnets)).toEqual([CACHE, DB, KINESIS, SECRETS]);
  });

  test('a wired client with all outbound reaches the same, nothing more', () => {
    expect(model.reachableFrom(group(placed, 'WiredOpen'), clientSubnets)).toEqual([CACHE, DB, KINESIS, SECRETS]);
  });

  test('a client not given to allowFrom reaches nothing', () => {
    expect(model.reachableFrom(group(placed, 'Stranger'), clientSubnets)).toEqual([]);
  });

  test('the endpoints have private DNS and a network interface in each client subnet, none in the data subnets', () => {
    const endpoints = model.endpointSubnets();
    expect(Object.keys(endpoints)).toHaveLength(2);
    for (const subnets of Object.values(endpoints)) expect(subnets.sort()).toEqual([...clientSubnets].sort());
    for (const [, r] of model.entries('AWS::EC2::VPCEndpoint')) expect(r.Properties.PrivateDnsEnabled).toBe(true);
  });

  test('the endpoint security group admits 443 only from the wired clients, and the whole VPC not at all', () => {
    const [sgId, sg] = model.entries('AWS::EC2::SecurityGroup').find(([, r]) => r.Properties.GroupName === 'lgpd-endpoints-dev')!;
    expect(sg.Properties.SecurityGroupIngress ?? []).toEqual([]);
    const ingress = model.entries('AWS::EC2::SecurityGroupIngress').filter(([, r]) => r.Properties.GroupId['Fn::GetAtt'][0] === sgId)
      .map(([, r]) => [r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0], r.Properties.FromPort, r.Properties.ToPort]);
    expect(ingress.sort()).toEqual([[group(placed, 'Wired'), 443, 443], [group(placed, 'WiredOpen'), 443, 443]]);
  });

  test('the data subnets gain nothing: no route beyond the VPC, no endpoint, no new ingress', () => {
    for (const subnet of model.subnetsNamed('Data')) expect(model.routesOf(model.routeTableOf(subnet)!)).toEqual([]);
    const inData = Object.values(model.endpointSubnets()).flat().filter(s => model.subnetsNamed('Data').includes(s));
    expect(inData).toEqual([]);
  });
});

describe('a new VPC with ClientEndpoints.NONE', () => {
  const placed = place({ clientEndpoints: ClientEndpoints.NONE });

  test('creates no endpoint; a wired client reaches the two stores only, and no internet', () => {
    expect(placed.model.entries('AWS::EC2::VPCEndpoint')).toEqual([]);
    expect(placed.model.reachableFrom(group(placed, 'Wired'), placed.clientSubnets)).toEqual([CACHE, DB]);
  });

  test('still has the application subnets', () => {
    expect(placed.clientSubnets).toEqual(placed.model.subnetsNamed('Application'));
  });
});

describe('a new VPC with ClientEndpoints.PIPELINE_AND_CONTAINERS', () => {
  const placed = place({ clientEndpoints: ClientEndpoints.PIPELINE_AND_CONTAINERS });
  const { model, clientSubnets } = placed;

  test('a wired client with no outbound by default also reaches ECR, Logs, STS and S3, and still no internet', () => {
    expect(model.reachableFrom(group(placed, 'Wired'), clientSubnets)).toEqual([CACHE, DB, ...CONTAINERS, KINESIS, SECRETS].sort());
  });

  test('the S3 gateway endpoint is on the application route tables only', () => {
    for (const subnet of clientSubnets) expect(model.routesOf(model.routeTableOf(subnet)!)).toEqual([expect.stringMatching(/^s3 \(gateway endpoint/)]);
    for (const subnet of [...model.subnetsNamed('Data'), ...model.subnetsNamed('Public')]) {
      expect(model.routesOf(model.routeTableOf(subnet)!).filter(r => r.startsWith('s3'))).toEqual([]);
    }
  });

  test('a client not given to allowFrom reaches S3 only (the gateway route), no endpoint and no store', () => {
    expect(model.reachableFrom(group(placed, 'Stranger'), clientSubnets)).toEqual(['s3 (gateway endpoint) tcp/443']);
  });
});

/** A VPC a user brings: public subnets, private subnets with a NAT gateway, and isolated subnets. */
function broughtVpc(stack: Stack): ec2.IVpc {
  return new ec2.Vpc(stack, 'Brought', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Ingress', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Workloads', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Stores', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

describe('a brought VPC', () => {
  test('by default: no endpoints, clients in the private subnets with egress, the stores in the isolated subnets', () => {
    const placed = place({}, broughtVpc);
    expect(placed.model.entries('AWS::EC2::VPCEndpoint')).toEqual([]);
    expect(placed.clientSubnets).toEqual(placed.model.subnetsNamed('Workloads'));
    // The user's own NAT route: the user's VPC decides the internet path, the pipeline adds none.
    expect(placed.model.reachableFrom(group(placed, 'Wired'), placed.clientSubnets)).toEqual([CACHE, DB]);
    expect(placed.model.reachableFrom(group(placed, 'WiredOpen'), placed.clientSubnets)).toEqual([CACHE, DB, 'internet']);
    const dbSubnets = placed.model.entries('AWS::RDS::DBSubnetGroup')[0][1].Properties.SubnetIds.map((s: any) => s.Ref);
    expect(dbSubnets).toEqual(placed.model.subnetsNamed('Stores'));
  });

  test('with ClientEndpoints.PIPELINE: the endpoints go in the client subnets, and a wired client reaches them', () => {
    const placed = place({ clientEndpoints: ClientEndpoints.PIPELINE }, broughtVpc);
    for (const subnets of Object.values(placed.model.endpointSubnets())) expect(subnets.sort()).toEqual(placed.clientSubnets.sort());
    expect(placed.model.reachableFrom(group(placed, 'Wired'), placed.clientSubnets)).toEqual([CACHE, DB, KINESIS, SECRETS]);
  });

  test('with only isolated subnets: the clients share the data subnets', () => {
    const placed = place({ clientEndpoints: ClientEndpoints.PIPELINE }, stack => new ec2.Vpc(stack, 'Brought', {
      maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    }));
    expect(placed.clientSubnets).toEqual(placed.model.subnetsNamed('Isolated'));
    expect(placed.model.reachableFrom(group(placed, 'Wired'), placed.clientSubnets)).toEqual([CACHE, DB, KINESIS, SECRETS]);
  });

  test('with clientSubnets given: the endpoints follow them', () => {
    const placed = place({ clientEndpoints: ClientEndpoints.PIPELINE, clientSubnets: { subnetGroupName: 'Stores' } }, broughtVpc);
    expect(placed.clientSubnets).toEqual(placed.model.subnetsNamed('Stores'));
    for (const subnets of Object.values(placed.model.endpointSubnets())) expect(subnets.sort()).toEqual(placed.clientSubnets.sort());
  });
});
