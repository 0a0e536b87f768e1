import { ArnFormat, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeInPacks, HIPAA_NIST, HIPAA_NIST_PCI } from './acknowledge';
import { DEFAULT_SECURITY_GROUP_HANDLER } from './default-security-group-handler';
import { encryptedLogGroup } from './log-group';
import { lambdaPrincipal } from './policy-principal';

/**
 * The id and type cdk-nag's `VPCDefaultSecurityGroupClosed` rule (HIPAA, NIST 800-53, PCI DSS) looks
 * for under a `Vpc`: the same as aws-cdk-lib's `restrictDefaultSecurityGroup`, which this replaces.
 */
export const RESTRICTION_ID = 'RestrictDefaultSecurityGroupCustomResource';
export const RESTRICTION_TYPE = 'Custom::VpcRestrictDefaultSG';

/** The latest Node.js Lambda runtime aws-cdk-lib knows (AwsSolutions-L1 asks for the latest). */
export const HANDLER_RUNTIME = 'nodejs24.x';

export interface DefaultSecurityGroupRestrictionProps {
  /** The VPC whose default security group is closed. */
  readonly vpc: ec2.Vpc;
  /** The function's name; its log group is `/aws/lambda/<name>`. */
  readonly functionName: string;
  /** The key that encrypts the function's log group. */
  readonly encryptionKey: kms.IKey;
  /** How long the function's logs are kept; the pipeline default when undefined. */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Closes the VPC's default security group (no ingress, no egress) with a small inline Lambda and a
 * custom resource under the VPC, as aws-cdk-lib's `restrictDefaultSecurityGroup` does, but without
 * its synth-time cost (see default-security-group-handler.ts) and with its log group encrypted,
 * bounded and owned by the stack. One per VPC, so that each pipeline's key and removal policy apply
 * to its own.
 */
export class DefaultSecurityGroupRestriction extends Construct {
  public readonly function: lambda.CfnFunction;
  public readonly logGroup: logs.LogGroup;
  public readonly customResource: CustomResource;

  constructor(scope: Construct, id: string, props: DefaultSecurityGroupRestrictionProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.logGroup = encryptedLogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    // Permissions come from a customer-managed policy (HIPAA/NIST/PCI IAMNoInlinePolicy), limited to
    // this VPC's default group and this log group.
    const { role, policy } = lambdaPrincipal(this, {
      roleDescription: `Closes the default security group of ${props.vpc.node.path}`,
      policyDescription: 'Revoke and restore the rules of one VPC default security group, and write its log',
      statements: [
        new iam.PolicyStatement({
          actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress',
            'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
          resources: [stack.formatArn({
            service: 'ec2',
            resource: 'security-group',
            resourceName: props.vpc.vpcDefaultSecurityGroup,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          })],
        }),
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
      ],
    });

    this.function = new lambda.CfnFunction(this, 'Function', {
      functionName: props.functionName,
      description: `Closes the default security group of ${props.vpc.node.path}`,
      runtime: HANDLER_RUNTIME,
      handler: 'index.handler',
      code: { zipFile: DEFAULT_SECURITY_GROUP_HANDLER },
      role: role.roleArn,
      timeout: Duration.minutes(2).toSeconds(),
      memorySize: 128,
      loggingConfig: { logGroup: this.logGroup.logGroupName },
    });
    // The function must not run before it may write its log and touch the group. A construct
    // dependency (DependsOn the policy): CfnResource#addDependency is deprecated from aws-cdk-lib
    // 2.27x on, and its successor addResourceDependency does not exist in 2.257, our peer range's low end.
    this.function.node.addDependency(policy);

    // The same three findings from cdk-nag (HIPAA, NIST, PCI) and from checkov, acknowledged with one reason each.
    const findings: Array<{ rule: string; checkov: string; reason: string }> = [
      {
        rule: 'LambdaConcurrency',
        checkov: 'CKV_AWS_115',
        reason: 'Runs once per deploy, invoked only by CloudFormation; reserving concurrency would take '
          + 'capacity from the account and fails outright in accounts whose concurrency limit is at its minimum.',
      },
      {
        rule: 'LambdaDLQ',
        checkov: 'CKV_AWS_116',
        reason: 'Invoked only by CloudFormation, which waits for its answer: a failure fails the deploy and '
          + 'is reported in the stack events, so there is nothing for a dead-letter queue to keep.',
      },
      {
        rule: 'LambdaInsideVPC',
        checkov: 'CKV_AWS_117',
        reason: 'Calls only the EC2 API, never a data store; inside the isolated subnets it would need '
          + 'EC2 and CloudWatch Logs interface endpoints for no gain.',
      },
    ];
    for (const { rule, checkov, reason } of findings) {
      // PCI DSS has only the VPC rule of the three.
      acknowledgeInPacks(this.function, rule === 'LambdaInsideVPC' ? HIPAA_NIST_PCI : HIPAA_NIST, rule, reason, checkov);
    }

    this.customResource = new CustomResource(props.vpc, RESTRICTION_ID, {
      resourceType: RESTRICTION_TYPE,
      serviceToken: this.function.attrArn,
      // CloudFormation waits an hour by default for an answer that never comes; one run of the function
      // (2 minutes) and a Lambda retry fit in 5.
      serviceTimeout: Duration.minutes(5),
      properties: { DefaultSecurityGroupId: props.vpc.vpcDefaultSecurityGroup, Account: stack.account },
    });
  }
}
