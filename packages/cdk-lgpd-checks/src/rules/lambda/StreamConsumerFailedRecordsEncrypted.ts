import { parse } from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnEventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance, NagRules } from 'cdk-nag/lib/nag-rules';
import { complianceOf, isCustomerManagedKey } from '../helpers';

/** Whether an event source is a stream of records (Kinesis or DynamoDB Streams), by reference or ARN. */
function isStreamSource(node: CfnEventSourceMapping): boolean {
  const stack = Stack.of(node);
  const source = JSON.stringify(stack.resolve(node.eventSourceArn) ?? '');
  if (/:kinesis:|:dynamodb:.*\/stream\//.test(source)) return true;
  const target = NagRules.resolveResourceFromIntrinsic(node, node.eventSourceArn);
  const resource = stack.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c) && stack.resolve(c.logicalId) === target);
  return resource?.cfnResourceType === 'AWS::Kinesis::Stream' || resource?.cfnResourceType === 'AWS::DynamoDB::Table';
}

/**
 * LGPD Art. 46 (security measures): a consumer of a stream of records (a Lambda event source mapping on
 * Kinesis or DynamoDB Streams) keeps what it fails to process in an on-failure destination encrypted
 * with a customer-managed key: an SQS queue or SNS topic of the same stack with its own KMS key.
 * Without a destination, records the consumer gives up on are dropped unseen; with an unencrypted one,
 * their positions (and, for some destinations, their content) sit outside the pipeline's encryption.
 * A destination outside the stack is not judged.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnEventSourceMapping) || !isStreamSource(node)) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    const config = stack.resolve(node.destinationConfig);
    const destination = config?.onFailure?.destination ?? config?.OnFailure?.Destination;
    if (destination === undefined) return NagRuleCompliance.NON_COMPLIANT;
    const target = NagRules.resolveResourceFromIntrinsic(node, destination);
    const resource = stack.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c) && stack.resolve(c.logicalId) === target);
    if (resource instanceof CfnQueue) return complianceOf(isCustomerManagedKey(resource, resource.kmsMasterKeyId));
    if (resource instanceof CfnTopic) return complianceOf(isCustomerManagedKey(resource, resource.kmsMasterKeyId));
    return NagRuleCompliance.NOT_APPLICABLE;
  },
  'name',
  { value: parse(__filename).name },
);
