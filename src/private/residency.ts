import { Annotations, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail } from './validation';

/** Where personal data may live unless the user says otherwise (LGPD Art. 33). */
export const DEFAULT_ALLOWED_REGIONS: readonly string[] = ['sa-east-1'];

/**
 * The data-residency guard (LGPD Art. 33, international transfer): a stack in a concrete region outside
 * `allowedRegions` fails at synth; where the region or the list is a token, a warning says the check
 * could not be made.
 */
export function checkDataResidency(scope: IConstruct, allowedRegions: readonly string[]): void {
  if (allowedRegions.length === 0) {
    fail('allowedRegions', '[]', 'must list at least one region where personal data may live');
  }
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) {
    Annotations.of(scope).addWarningV2('cdk-lgpd-data-pipeline:dataResidencyUnchecked',
      `The stack is env-agnostic, so the data-residency guard cannot check its region; deploy only to ${allowedRegions.join(', ')} (LGPD Art. 33).`);
  } else if (allowedRegions.some(r => Token.isUnresolved(r))) {
    Annotations.of(scope).addWarningV2('cdk-lgpd-data-pipeline:dataResidencyUnchecked',
      `allowedRegions holds a token, so the data-residency guard cannot check the region ${region} at synth time (LGPD Art. 33).`);
  } else if (!allowedRegions.includes(region)) {
    fail('region', region, `personal data may only live in allowedRegions (${allowedRegions.join(', ')}); `
      + 'add the region to allowedRegions if a transfer is lawful under LGPD Art. 33');
  }
}
