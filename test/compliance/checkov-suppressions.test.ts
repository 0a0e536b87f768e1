/**
 * Every checkov suppression (a `checkov.skip` entry in a resource's Metadata, which `npx projen
 * compliance:checkov` honours) is pinned here, has a reason, and is listed in docs/first-deploy.md.
 * A new suppression fails this test until it is reviewed and documented; so does a silently removed one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { buildVariant, VARIANT_NAMES } from '../../support/variants';
import { buildIntegCase, CASE_NAMES } from '../integ-helpers/suite';

/** `<check> @ <construct path below its stack>`, with integ-tests-alpha's provider hash replaced. */
const PINNED = [
  // The library: the function that closes the VPC's default security group (src/private/default-security-group.ts).
  'CKV_AWS_115 @ Pipeline/Network/DefaultSecurityGroup/Function',
  'CKV_AWS_116 @ Pipeline/Network/DefaultSecurityGroup/Function',
  'CKV_AWS_117 @ Pipeline/Network/DefaultSecurityGroup/Function',
  'CKV_AWS_115 @ Pipeline/Processor/Function/Resource',
  'CKV_AWS_115 @ Pipeline/Processor/Redrive/Function/Resource',
  'CKV_AWS_116 @ Pipeline/Processor/Redrive/Function/Resource',
  // The schema migrations' two functions, run at deploy time only (src/database-schema.ts).
  'CKV_AWS_115 @ Pipeline/Database/Schema/Handler/Function/Resource',
  'CKV_AWS_116 @ Pipeline/Database/Schema/Handler/Function/Resource',
  'CKV_AWS_117 @ Pipeline/Database/Schema/Handler/Function/Resource',
  'CKV_AWS_115 @ Pipeline/Database/Schema/Migrate/Function/Resource',
  'CKV_AWS_116 @ Pipeline/Database/Schema/Migrate/Function/Resource',
  // Data-subject rights (src/rights/): its two functions, and the export bucket.
  'CKV_AWS_115 @ Pipeline/Rights/Requests/Function/Resource',
  'CKV_AWS_116 @ Pipeline/Rights/Requests/Function/Resource',
  'CKV_AWS_115 @ Pipeline/Rights/Worker/Function/Resource',
  'CKV_AWS_116 @ Pipeline/Rights/Worker/Function/Resource',
  'CKV_AWS_18 @ Pipeline/Rights/Exports/Resource',
  'CKV_AWS_21 @ Pipeline/Rights/Exports/Resource',
  'CKV_AWS_144 @ Pipeline/Rights/Exports/Resource',
  // Integration-test scaffolding (test/integ-helpers/).
  'CKV_AWS_115 @ Consumer/Function/Resource',
  'CKV_AWS_116 @ Consumer/Function/Resource',
  'CKV_AWS_117 @ Consumer/Function/Resource',
  'CKV_AWS_115 @ Lookup/Function/Resource',
  'CKV_AWS_116 @ Lookup/Function/Resource',
  'CKV_AWS_27 @ AlarmInbox/Resource',
  'CKV_AWS_157 @ Pipeline/Database/Resource/Resource',
  'CKV_AWS_111 @ SingletonFunction<hash>/Role',
  'CKV_AWS_115 @ SingletonFunction<hash>/Handler',
  'CKV_AWS_116 @ SingletonFunction<hash>/Handler',
  'CKV_AWS_117 @ SingletonFunction<hash>/Handler',
];

function suppressions(scope: IConstruct): Array<{ entry: string; reason: string }> {
  return scope.node.findAll().filter(CfnResource.isCfnResource).flatMap(r => {
    const below = r.node.path.slice(Stack.of(r).node.path.length + 1).replace(/SingletonFunction[0-9a-f]{32}/, 'SingletonFunction<hash>');
    return ((r.getMetadata('checkov')?.skip ?? []) as Array<{ id: string; comment: string }>)
      .map(s => ({ entry: `${s.id} @ ${below}`, reason: s.comment }));
  });
}

const found = [
  ...VARIANT_NAMES.flatMap(name => suppressions(buildVariant(name))),
  ...CASE_NAMES.flatMap(name => {
    const app = new App();
    buildIntegCase(app, name);
    return suppressions(app);
  }),
];
const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'first-deploy.md'), 'utf8').split('\n');

test('the checkov suppressions are exactly the pinned list', () => {
  expect([...new Set(found.map(f => f.entry))].sort()).toEqual([...PINNED].sort());
});

test('each suppression gives a reason a reviewer can read', () => {
  for (const { entry, reason } of found) expect([entry, reason.length > 40]).toEqual([entry, true]);
});

test.each(PINNED)('%s is listed in docs/first-deploy.md', (entry) => {
  const [id, at] = entry.split(' @ ');
  expect(doc.some(line => line.includes(`\`${id}\``) && line.includes(`\`${at}\``))).toBe(true);
});
