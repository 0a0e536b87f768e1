import { Match } from 'aws-cdk-lib/assertions';
import { only, resourcesOf, synth } from './util';
import { DEFAULT_SECURITY_GROUP_HANDLER } from '../src/private/default-security-group-handler';

describe('network', () => {
  const { template } = synth({ environmentSuffix: 'dev' });

  test('a VPC across two AZs by default, a public, a data and an application subnet in each, named with the suffix', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 6);
    for (const tier of ['Public', 'Data', 'Application']) {
      expect(resourcesOf(template, 'AWS::EC2::Subnet').filter(([id]) => id.includes(`${tier}Subnet`))).toHaveLength(2);
    }
    template.hasResourceProperties('AWS::EC2::VPC', {
      Tags: Match.arrayWith([{ Key: 'Name', Value: 'lgpd-pipeline-dev' }]),
    });
    const azs = new Set(resourcesOf(template, 'AWS::EC2::Subnet').map(([, s]) => JSON.stringify(s.Properties.AvailabilityZone)));
    expect(azs.size).toBe(2);
  });

  test('azCount 3 gives three AZs', () => {
    const t = synth({ environmentSuffix: 'dev', azCount: 3 }).template;
    t.resourceCountIs('AWS::EC2::Subnet', 9);
    const azs = new Set(resourcesOf(t, 'AWS::EC2::Subnet').map(([, s]) => JSON.stringify(s.Properties.AvailabilityZone)));
    expect(azs.size).toBe(3);
  });

  test('public subnets never auto-assign public IPs', () => {
    for (const [, subnet] of resourcesOf(template, 'AWS::EC2::Subnet')) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  test('the data and application subnets have no route to an internet gateway or NAT', () => {
    const routes = resourcesOf(template, 'AWS::EC2::Route');
    const dataRouteTables = resourcesOf(template, 'AWS::EC2::RouteTable')
      .filter(([id]) => id.includes('Data') || id.includes('Application'))
      .map(([id]) => id);
    expect(dataRouteTables).toHaveLength(4);
    for (const [, route] of routes) {
      expect(dataRouteTables).not.toContain(route.Properties.RouteTableId.Ref);
    }
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  test('flow logs capture all traffic into a log group encrypted with the pipeline key', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/lgpd-pipeline/dev/vpc-flow-logs',
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineKey'), 'Arn'] },
      RetentionInDays: 365,
    });
  });

  // What the handler does to a default group (revoke its rules, restore them on delete) is run against a
  // fake EC2 client in network-default-security-group.test.ts; the integ case asserts the deployed group
  // has no rules. Here: the handler is wired to this VPC's default group, and may change only that group.
  test('a custom resource runs the closing handler on this VPC\'s default security group, which its role alone may change', () => {
    const [vpcId] = resourcesOf(template, 'AWS::EC2::VPC')[0];
    const restriction = only(template, 'Custom::VpcRestrictDefaultSG').Properties;
    expect(restriction.DefaultSecurityGroupId).toEqual({ 'Fn::GetAtt': [vpcId, 'DefaultSecurityGroup'] });
    const [fnId, fn] = resourcesOf(template, 'AWS::Lambda::Function')
      .find(([id]) => JSON.stringify(restriction.ServiceToken).includes(id))!;
    expect(restriction.ServiceToken).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(fn.Properties.Code.ZipFile).toBe(DEFAULT_SECURITY_GROUP_HANDLER);
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const policy = resourcesOf(template, 'AWS::IAM::ManagedPolicy').find(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId))![1];
    const ec2Statement = policy.Properties.PolicyDocument.Statement.find((s: any) => JSON.stringify(s.Action).includes('ec2:'));
    expect(JSON.stringify(ec2Statement.Resource)).toContain(JSON.stringify({ 'Fn::GetAtt': [vpcId, 'DefaultSecurityGroup'] }));
    expect(JSON.stringify(ec2Statement.Resource)).not.toContain('*');
  });

  test('no NAT gateway, no elastic IP, no public IP on any subnet, and the database is not publicly accessible', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    const subnets = resourcesOf(template, 'AWS::EC2::Subnet');
    expect(subnets.length).toBeGreaterThan(0);
    for (const [, subnet] of subnets) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    expect(only(template, 'AWS::RDS::DBInstance').Properties.PubliclyAccessible).toBe(false);
    // Nothing else the pipeline creates can carry a public IP: no instances, launch templates or load balancers.
    const types = new Set(Object.values<any>(template.toJSON().Resources).map(r => r.Type));
    for (const type of ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', 'AWS::ElasticLoadBalancingV2::LoadBalancer']) {
      expect(types.has(type)).toBe(false);
    }
  });
});
