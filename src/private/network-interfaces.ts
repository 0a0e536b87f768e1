import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge } from './acknowledge';
import { ManagedPolicyPrincipal } from './policy-principal';

/** Where a function in a VPC runs: its subnets and its security group. */
export interface FunctionPlacement {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** The function's subnets in `vpc`. */
  readonly subnets: ec2.SubnetSelection;
  /** The function's security group. */
  readonly securityGroup: ec2.ISecurityGroup;
}

/**
 * Lets Lambda manage the network interfaces of a function in a VPC: the actions of the AWS-managed
 * AWSLambdaVPCAccessExecutionRole, with the writes narrowed to network interfaces in the function's own
 * subnets and security group (the Describe actions have no resource-level permissions). Written into the
 * function's customer-managed policy, with the two wildcards acknowledged there.
 */
export function grantNetworkInterfaces(principal: ManagedPolicyPrincipal, placement: FunctionPlacement): void {
  const stack = Stack.of(principal.policy);
  const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'ec2', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  principal.policy.addStatements(
    new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
    new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: [
        arn('network-interface', '*'),
        ...placement.vpc.selectSubnets(placement.subnets).subnetIds.map(subnetId => arn('subnet', subnetId)),
        arn('security-group', placement.securityGroup.securityGroupId),
      ],
    }),
  );
  acknowledge(principal.policy, 'AwsSolutions-IAM5[Resource::*]',
    'ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets, which Lambda needs for a function in a VPC, support no resource-level permissions (read-only).');
  const literalOr = (value: string, pseudo: string) => (Token.isUnresolved(value) ? pseudo : value);
  acknowledge(principal.policy,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${literalOr(stack.region, '<AWS::Region>')}:${literalOr(stack.account, '<AWS::AccountId>')}:network-interface/*]`,
    'Lambda creates and deletes the function\'s network interfaces, whose ids are not known before: the writes are limited to network interfaces, in the function\'s own subnets and security group.');
}
