import { Match } from 'aws-cdk-lib/assertions';
import { only, resourcesOf, synth } from './util';

describe('network', () => {
  const { template } = synth({ environmentSuffix: 'dev' });

  test('a VPC across two AZs by default, public and isolated subnets in each, named with the suffix', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.hasResourceProperties('AWS::EC2::VPC', {
      Tags: Match.arrayWith([{ Key: 'Name', Value: 'lgpd-pipeline-dev' }]),
    });
    const azs = new Set(resourcesOf(template, 'AWS::EC2::Subnet').map(([, s]) => JSON.stringify(s.Properties.AvailabilityZone)));
    expect(azs.size).toBe(2);
  });

  test('azCount 3 gives three AZs', () => {
    const t = synth({ environmentSuffix: 'dev', azCount: 3 }).template;
    t.resourceCountIs('AWS::EC2::Subnet', 6);
    const azs = new Set(resourcesOf(t, 'AWS::EC2::Subnet').map(([, s]) => JSON.stringify(s.Properties.AvailabilityZone)));
    expect(azs.size).toBe(3);
  });

  test('public subnets never auto-assign public IPs', () => {
    for (const [, subnet] of resourcesOf(template, 'AWS::EC2::Subnet')) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  test('the data subnets have no route to an internet gateway or NAT', () => {
    const routes = resourcesOf(template, 'AWS::EC2::Route');
    const dataRouteTables = resourcesOf(template, 'AWS::EC2::RouteTable')
      .filter(([id]) => id.includes('Data'))
      .map(([id]) => id);
    expect(dataRouteTables).toHaveLength(2);
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

  test('the default security group is closed', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('no NAT gateway and no public IP anywhere in the data tier', () => {
    expect(only(template, 'AWS::RDS::DBInstance').Properties.PubliclyAccessible).toBe(false);
  });
});
