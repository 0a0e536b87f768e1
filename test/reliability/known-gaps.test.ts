/**
 * Gaps the property tests found, now fixed: each test started as a failing test and pins its fix.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LgpdDataPipeline, LgpdDataPipelineProps } from '../../src';

function synth(props: Partial<LgpdDataPipelineProps>): any {
  const app = new App();
  const stack = new Stack(app, 'Gaps', { env: { region: 'sa-east-1' } });
  new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev', ...props });
  return Template.fromStack(stack).toJSON();
}

describe('known gaps', () => {
  // Past the default quota of 90 nodes per cluster, the per-node alarms push the stack past
  // CloudFormation's 500 resources or 1 MB. (Alarms off here: the check comes before the alarms.)
  test('fails when the cache has more than 90 nodes (cacheNodeGroups x cacheNodesPerGroup)', () => {
    expect(() => synth({ cacheNodeGroups: 40, cacheNodesPerGroup: 3, monitoring: { enableAlarms: false } }))
      .toThrow(/^LgpdDataPipeline: invalid cacheNodeGroups: got 40; .*\(40 x 3 = 120\) at most 90 nodes/);
  });

  // Without maxAllocatedStorage, database.ts defaults it to twice allocatedStorage: 80000 GiB here,
  // over RDS's 65536 GiB limit, so CloudFormation rejects the template at deploy time.
  test('the default maxAllocatedStorage stays within 65536 GiB when allocatedStorage is over 32768', () => {
    const db = Object.values<any>(synth({ database: { allocatedStorage: 40000 } }).Resources).find(r => r.Type === 'AWS::RDS::DBInstance');
    expect(Number(db.Properties.MaxAllocatedStorage)).toBeLessThanOrEqual(65536);
  });
});
