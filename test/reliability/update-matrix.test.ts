/**
 * Updates that keep the data: each single prop change from the FastShop baseline is diffed with
 * @aws-cdk/cloudformation-diff; scaling, retention and alarm changes must replace none of the
 * database, the replication group, the stream and the key.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { App } from 'aws-cdk-lib';
import { FastShopStack } from '../../examples/fastshop/app';
import { CacheAccess } from '../../src';
import { BASELINE, CHANGES, classify, computeMatrix, DOCS_FILE, MatrixRow, renderTable, tableInDocs } from '../../support/update-matrix';

describe('update matrix', () => {
  let rows: MatrixRow[];
  beforeAll(() => { rows = computeMatrix(); });

  test('every scaling, retention and alarm change replaces no stateful resource', () => {
    const offenders = rows.filter(r => r.scaling && !r.knownIssue && r.verdict !== 'safe to change');
    expect(offenders.map(r => `${r.change}: ${r.verdict} ${JSON.stringify(r.effects)}`)).toEqual([]);
    expect(rows.filter(r => r.scaling && !r.knownIssue).length).toBeGreaterThanOrEqual(13);
  });

  // A known issue is reported, not asserted: when a fix lands its row turns safe and the docs table
  // (regenerated, see below) shows it; nothing here fails for it.
  test('every known issue is a scaling change with its reason, listed under the docs table', () => {
    const table = renderTable(rows);
    for (const row of rows.filter(r => r.knownIssue)) {
      expect(row.scaling).toBe(true);
      expect(row.knownIssue!.length).toBeGreaterThan(20);
      expect(table).toContain(`- ⚠️ ${row.change}: ${row.knownIssue}.`);
    }
  });

  test('changes that replace data by design are the expected ones', () => {
    expect(rows.filter(r => r.verdict === 'replaces data' && !r.knownIssue).map(r => r.change)).toEqual([
      '`cacheEngineVersion` Redis 7.1 → Valkey 8.0',
      '`cachePort` 6380 → 6390',
      '`cacheNodeGroups` unset → 2 (cluster mode on)',
      '`database.port` 5433 → 5434',
      '`database.databaseName` transactions → orders',
      '`database.masterUsername` pipeline_admin → shop_admin',
      '`environmentSuffix` dev → prod',
      '`encryptionKey` new key → a brought key',
    ]);
  });

  test('every change is recorded, and docs/reliability.md shows the current table', () => {
    expect(rows.length).toBe(CHANGES.length);
    const inDocs = tableInDocs();
    if (inDocs === undefined) throw new Error(`${DOCS_FILE} has no update-matrix block`);
    // If this fails after an intended change, regenerate the table: npx projen docs:update-matrix
    // The last column (other resources replaced) is informational and not compared, so a change to a
    // non-stateful resource elsewhere does not fail this test; the verdicts and stateful columns are.
    const withoutLastColumn = (table: string) => table.split('\n').map(line => line.startsWith('|') ? line.replace(/\|[^|]*\|$/, '|') : line);
    expect(withoutLastColumn(inDocs)).toEqual(withoutLastColumn(renderTable(rows)));
  });

  // The FastShop template as the last landed layout deployed it, before the application subnets and the
  // VPC endpoints (test/fixtures/upgrade/, synthesized at commit 448b599). Upgrading a running pipeline
  // to this version adds the new subnet tier at the end of the VPC's subnet configuration, so no
  // existing subnet (and no subnet group of the stores) moves.
  // A pipeline deployed then signs in to the cache with the AUTH token, and keeps it (cacheAccess AUTH_TOKEN):
  // the move to users is the next test.
  test('upgrading a deployed FastShop pipeline to the application tier and endpoints replaces no stateful resource and no subnet', () => {
    const before = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'upgrade', 'fastshop-before-application-tier.template.json'), 'utf-8'));
    const after = fastShopTemplate(CacheAccess.AUTH_TOKEN);
    const row = classify({ change: 'upgrade', scaling: true, props: () => ({ environmentSuffix: 'dev' }) }, before, after);
    expect(row.verdict).toBe('safe to change');
    expect(row.otherReplaced.filter(t => /Subnet|VPC|RouteTable/.test(t))).toEqual([]);
    const added = Object.keys(after.Resources).filter(id => !(id in before.Resources));
    expect(added.filter(id => after.Resources[id].Type === 'AWS::EC2::Subnet').sort()).toEqual([
      'PipelineNetworkApplicationSubnet1Subnet4797A7B5', 'PipelineNetworkApplicationSubnet2SubnetF6868202',
    ]);
  });

  // What CloudFormation does when a deployed pipeline moves from the AUTH token to users: cloudformation-diff
  // reads AuthToken as a conditional replacement in the resource schema, and CloudFormation does replace the
  // group when the token goes (cloudformation-coverage-roadmap#2356, open; the console and the CLI modify it in
  // place). A replacement creates the new group first, under the same fixed ReplicationGroupId, which
  // ElastiCache refuses: the update fails and rolls back, and nothing is lost. Hence CacheAccess.AUTH_TOKEN
  // for such a pipeline (docs/first-deploy.md, "Redis users").
  test('moving a deployed FastShop from the AUTH token to users replaces its replication group, and keeping the token replaces no stateful resource', () => {
    const withToken = fastShopTemplate(CacheAccess.AUTH_TOKEN);
    const move = classify({ change: 'AUTH token to users', scaling: false, props: () => BASELINE }, withToken, fastShopTemplate());
    const rg = 'PipelineCacheD3E320C9';
    expect(fullDiff(withToken, fastShopTemplate()).resources.get(rg).propertyUpdates.AuthToken.changeImpact).toBe(ResourceImpact.MAY_REPLACE);
    expect(move.effects['AWS::ElastiCache::ReplicationGroup']).toBe('replaced');
    expect(move.verdict).toBe('replaces data');
    expect(withToken.Resources[rg].Properties.ReplicationGroupId).toBe('lgpd-cache-dev');
    const stay = classify({ change: 'keep the token', scaling: true, props: () => BASELINE }, withToken, fastShopTemplate(CacheAccess.AUTH_TOKEN));
    expect(stay.verdict).toBe('safe to change');
  });
});

/** The FastShop example's pipeline stack, with the given cache access. */
function fastShopTemplate(cacheAccess?: CacheAccess): any {
  const app = new App();
  new FastShopStack(app, 'FastShopPipeline', { env: { region: 'sa-east-1' }, environmentSuffix: 'dev', cacheAccess });
  return app.synth().getStackByName('FastShopPipeline').template;
}
