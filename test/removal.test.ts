/**
 * What a failed first deploy leaves behind. CloudFormation applies a `Retain` deletion policy on the
 * rollback of the create too, so a named resource kept that way makes the retry fail with "already
 * exists". Every kept resource therefore uses `RetainExceptOnCreate` (RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE):
 * deleted when the create that made it rolls back, kept on every later update and delete. Only what holds
 * data or evidence is kept at all. See docs/first-deploy.md (removal).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildVariant, VARIANT_NAMES } from '../support/variants';
import { bringYourOwnCaseStacks, defaultCaseStack, productionCaseStack } from './integ-helpers/cases';
import { buildFastShopApp } from '../examples/fastshop/app';

/** `<template> <logical id> (<type>)` for every resource with a plain Retain deletion policy. */
function plainRetains(name: string, template: any): string[] {
  return Object.entries<any>(template.Resources ?? {})
    .filter(([, r]) => r.DeletionPolicy === 'Retain')
    .map(([id, r]) => `${name} ${id} (${r.Type})`);
}

function appTemplates(app: App): Array<[string, any]> {
  return app.synth().stacks.map(s => [s.stackName, s.template]);
}

const integApp = new App();
defaultCaseStack(integApp);
productionCaseStack(integApp);
bringYourOwnCaseStacks(integApp);

const APP_TEMPLATES: Array<[string, any]> = [
  ...VARIANT_NAMES.flatMap(name => appTemplates(name === 'fastshop' ? buildFastShopApp() : buildVariant(name))),
  ...appTemplates(integApp),
];
const SNAPSHOT_TEMPLATES: Array<[string, any]> = fs.readdirSync(__dirname)
  .filter(dir => /^integ\..*\.snapshot$/.test(dir))
  .flatMap(dir => fs.readdirSync(path.join(__dirname, dir)).filter(f => f.endsWith('.template.json'))
    .map(f => [`${dir}/${f}`, JSON.parse(fs.readFileSync(path.join(__dirname, dir, f), 'utf8'))] as [string, any]));

describe('no plain Retain deletion policy, so a failed first deploy rolls back clean', () => {
  test('in the FastShop, production-shaped, destroyable and integration apps', () => {
    expect(APP_TEMPLATES.length).toBeGreaterThanOrEqual(7);
    expect(APP_TEMPLATES.flatMap(([name, t]) => plainRetains(name, t))).toEqual([]);
  });

  test('in the committed integration snapshot templates', () => {
    expect(SNAPSHOT_TEMPLATES.length).toBeGreaterThanOrEqual(6);
    expect(SNAPSHOT_TEMPLATES.flatMap(([name, t]) => plainRetains(name, t))).toEqual([]);
  });
});

describe('what holds data or evidence is kept on update and delete, and nothing else', () => {
  const [, production] = APP_TEMPLATES.find(([name]) => name === 'Production')!;
  const template = Template.fromJSON(production);
  const policies = (type: string) => Object.values(template.findResources(type)).map((r: any) => [r.DeletionPolicy, r.UpdateReplacePolicy]);
  const KEPT = ['RetainExceptOnCreate', 'Retain'];

  test('the key, the stream, the secrets (the processor\'s cache password, the subject key), the export bucket and every log group: RetainExceptOnCreate', () => {
    for (const type of ['AWS::KMS::Key', 'AWS::Kinesis::Stream', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket']) {
      const found = policies(type);
      expect(found.length).toBeGreaterThan(0);
      for (const p of found) expect(p).toEqual(KEPT);
    }
    // Flow logs, the default-SG function, two database and two cache log groups, the processor's and its
    // redrive's, the schema migrations' two functions', and the data-subject rights' request function, worker and workflow.
    expect(policies('AWS::Logs::LogGroup')).toHaveLength(13);
  });

  test('the database and the cache leave a final snapshot', () => {
    expect(policies('AWS::RDS::DBInstance')).toEqual([['Snapshot', 'Snapshot']]);
    expect(policies('AWS::ElastiCache::ReplicationGroup')).toEqual([['Snapshot', 'Snapshot']]);
  });

  test('the cache subnet group, which holds neither data nor evidence, is deleted', () => {
    const [group] = Object.values<any>(template.findResources('AWS::ElastiCache::SubnetGroup'));
    expect(group.DeletionPolicy ?? 'Delete').toBe('Delete');
  });
});
