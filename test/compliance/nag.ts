import { App, CfnResource, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { buildVariant, VARIANT_NAMES, VariantName } from '../../support/variants';

/** The four cdk-nag packs the issue names, fresh instances (a pack keeps state between runs). */
export function cdkNagPacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()];
}

/** The apps every pack must pass: the FastShop example, a production-shaped and a destroyable pipeline. */
export function variants(): Record<VariantName, App> {
  return Object.fromEntries(VARIANT_NAMES.map(name => [name, buildVariant(name)])) as Record<VariantName, App>;
}

/** One finding: `<severity> <rule id> <construct path>`. */
export function findings(pack: NagPack, scope: IConstruct, options: { ignoreAcknowledgements?: boolean } = {}): string[] {
  if (options.ignoreAcknowledgements) {
    // Counts what the packs would report if no acknowledgement were made (the "before" figures).
    (pack as any).isAcknowledged = () => false;
  }
  const report = pack.validateScope(scope);
  return report.violations.flatMap(v => v.violatingResources.map(r => `${v.severity} ${v.ruleName} ${r.constructPath}`)).sort();
}

/** Every acknowledgement recorded in the tree, as `<rule id> @ <construct path>` with its reason. */
export function acknowledgements(scope: IConstruct): Array<{ id: string; path: string; reason: string }> {
  const out: Array<{ id: string; path: string; reason: string }> = [];
  for (const c of scope.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries<string>(entry.data ?? {})) {
        const plain = id.replace(/^annotation::/i, '');
        if (!out.some(a => a.id === plain && a.path === c.node.path)) out.push({ id: plain, path: c.node.path, reason });
      }
    }
  }
  return out.sort((a, b) => `${a.path} ${a.id}`.localeCompare(`${b.path} ${b.id}`));
}

/** The CloudFormation resource count of an app, to show the packs looked at something. */
export function resourceCount(scope: IConstruct): number {
  return scope.node.findAll().filter(c => CfnResource.isCfnResource(c)).length;
}
