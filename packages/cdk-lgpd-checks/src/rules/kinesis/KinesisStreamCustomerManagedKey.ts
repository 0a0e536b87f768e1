import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnStream } from 'aws-cdk-lib/aws-kinesis';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, isCustomerManagedKey, resolve } from '../helpers';

/**
 * LGPD Art. 46 (security measures): Kinesis Data Streams are encrypted at rest with a customer-managed
 * KMS key.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnStream)) return NagRuleCompliance.NOT_APPLICABLE;
    const encryption = resolve(node, node.streamEncryption);
    return complianceOf(encryption?.encryptionType === 'KMS' && isCustomerManagedKey(node, encryption?.keyId));
  },
  'name',
  { value: parse(__filename).name },
);
