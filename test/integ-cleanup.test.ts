/**
 * The integration cases can run again and again in one account: after integ-runner destroys a case,
 * its hooks delete every name the case left behind, or the next run fails with "already exists".
 *
 * For each case this test lists every physical name the case keeps after `cdk destroy` (resources with
 * a kept deletion policy: RetainExceptOnCreate, Retain, Snapshot) and every name AWS creates outside its
 * stacks (the log group Lambda makes for a function without one of its own). It puts them, together with
 * look-alike names of another suffix and of an unrelated app, in the world of a fake `aws` executable
 * first on PATH (integ-helpers/fake-aws.ts, which says what it cannot prove), runs the case's hooks the
 * way integ-runner does, and checks that exactly the case's names are gone.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { emptyWorld, FakeAws, World } from './integ-helpers/fake-aws';
import { buildIntegCase, CASE_NAMES, CaseName, IntegCase } from './integ-helpers/suite';
import { Assembly } from './policy/simulate';

const KEPT = ['Retain', 'RetainExceptOnCreate', 'Snapshot'];

/** What a destroyed case leaves in the account, as the fake's world. */
function leftovers(c: IntegCase, assembly: Assembly): World {
  const world = emptyWorld();
  for (const s of [...c.stacks, c.assertionStack]) {
    const stack = assembly.stack(s);
    const ownedLogGroups = new Set(stack.logicalIds('AWS::Logs::LogGroup').map(id => stack.properties(id).LogGroupName));
    for (const [id, r] of Object.entries<any>(stack.resources)) {
      if (r.Type === 'AWS::Lambda::Function') {
        // Lambda logs to /aws/lambda/<name> unless the function names a log group; CloudFormation
        // generates the name from the stack name and logical id when the template gives none.
        const props = stack.properties(id);
        const name = props.FunctionName ?? `${stack.name}-${id}`.slice(0, 51) + '-AbCdEfGhIjKl';
        const group = `/aws/lambda/${name}`;
        if (!props.LoggingConfig?.LogGroup && !ownedLogGroups.has(group)) world.logGroups.push(group);
      }
      if (!KEPT.includes(r.DeletionPolicy)) continue;
      const p = stack.properties(id);
      switch (r.Type) {
        case 'AWS::Logs::LogGroup': world.logGroups.push(p.LogGroupName); break;
        case 'AWS::Kinesis::Stream': world.streams.push(p.Name); break;
        case 'AWS::SecretsManager::Secret': world.secrets.push(p.Name); break;
        case 'AWS::KMS::Key':
          world.keys.push({ arn: stack.getAtt(id, 'Arn'), tags: Object.fromEntries((p.Tags ?? []).map((t: any) => [t.Key, t.Value])) });
          break;
        case 'AWS::RDS::DBInstance': world.dbSnapshots[p.DBInstanceIdentifier] = [`${stack.name}-${id}-final`.toLowerCase()]; break;
        case 'AWS::ElastiCache::ReplicationGroup': world.cacheSnapshots[p.ReplicationGroupId] = [`${p.ReplicationGroupId}-final`]; break;
        default: throw new Error(`${stack.name}/${id} (${r.Type}) is kept after destroy, and this test does not know how its hooks delete it`);
      }
    }
  }
  return world;
}

/** The same names for another environment suffix, and an unrelated app's: none may be touched. */
function lookAlikes(world: World, suffix: string): World {
  const other = (s: string) => s.split(suffix).join(`${suffix}-2`);
  const renamed = (list: string[]) => list.filter(s => s.includes(suffix)).map(other);
  return {
    ...emptyWorld(),
    logGroups: [...renamed(world.logGroups), '/aws/lambda/checkout-api-handler', '/aws/rds/instance/orders-db/postgresql', 'RDSOSMetrics'],
    streams: renamed(world.streams),
    secrets: renamed(world.secrets),
    dbSnapshots: Object.fromEntries(Object.entries(world.dbSnapshots).map(([k, v]) => [other(k), v.map(other)])),
    cacheSnapshots: Object.fromEntries(Object.entries(world.cacheSnapshots).map(([k, v]) => [other(k), v.map(other)])),
    keys: world.keys.map(k => ({ arn: `${k.arn}-2`, tags: Object.fromEntries(Object.entries(k.tags).map(([t, v]) => [t, other(v)])) })),
  };
}

function merge(a: World, b: World): World {
  return {
    ...emptyWorld(),
    logGroups: [...a.logGroups, ...b.logGroups],
    streams: [...a.streams, ...b.streams],
    secrets: [...a.secrets, ...b.secrets],
    dbSnapshots: { ...a.dbSnapshots, ...b.dbSnapshots },
    cacheSnapshots: { ...a.cacheSnapshots, ...b.cacheSnapshots },
    keys: [...a.keys, ...b.keys],
  };
}

const SUFFIX_OF: Record<CaseName, string> = { 'default': 'integ-default', 'production': 'integ-prod', 'bring-your-own': 'integ-byo' };

/** Every case, built and synthesized once. */
const CASES = Object.fromEntries(CASE_NAMES.map(name => {
  const app = new App();
  const built = buildIntegCase(app, name);
  return [name, { built, left: leftovers(built, Assembly.of(app)) }];
})) as Record<CaseName, { built: IntegCase; left: World }>;

describe.each(CASE_NAMES)('integration case %s', (name) => {
  const { built, left } = CASES[name];
  // Look-alikes of this case's names, and what the other cases leave, stand next to it in the account.
  const decoys = CASE_NAMES.filter(n => n !== name).reduce((w, n) => merge(w, CASES[n].left), lookAlikes(left, SUFFIX_OF[name]));
  const hooks = [...built.hooks.preDestroy ?? [], ...built.hooks.postDestroy ?? []];

  test('its hooks delete every name it leaves behind, and nothing else', () => {
    const fake = FakeAws.install(merge(left, decoys));
    try {
      for (const hook of hooks) fake.run(hook, __dirname);
      const after = fake.world;
      expect(after.unsupported).toEqual([]);
      expect(after.logGroups.sort()).toEqual(decoys.logGroups.sort());
      expect(after.streams).toEqual(decoys.streams);
      expect(after.secrets).toEqual(decoys.secrets);
      expect(after.dbSnapshots).toEqual({ ...Object.fromEntries(Object.keys(left.dbSnapshots).map(k => [k, []])), ...decoys.dbSnapshots });
      expect(after.cacheSnapshots).toEqual({ ...Object.fromEntries(Object.keys(left.cacheSnapshots).map(k => [k, []])), ...decoys.cacheSnapshots });
      expect(after.keys).toEqual(decoys.keys);
    } finally {
      fake.dispose();
    }
  });

  test('the names it leaves behind are the ones this test expects', () => {
    // The list above is computed from the templates; this pins what it found, so a new kind of leftover is seen.
    const summary = [
      ...left.logGroups.map(g => `log group ${g.replace(/-[A-Za-z]{12}$/, '-<generated>')}`),
      ...left.streams.map(s => `stream ${s}`),
      ...left.secrets.map(s => `secret ${s}`),
      ...left.keys.map(k => `key tagged lgpd:environment-suffix=${k.tags['lgpd:environment-suffix']}`),
      ...Object.keys(left.dbSnapshots).map(db => `final snapshot of database ${db}`),
      ...Object.keys(left.cacheSnapshots).map(rg => `final snapshot of cache ${rg}`),
    ].sort();
    expect(summary).toMatchSnapshot();
  });

  test('the committed snapshot carries the same hooks', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, `integ.${name}.ts.snapshot`, 'integ.json'), 'utf8'));
    const [testCase] = Object.values<any>(manifest.testCases);
    expect(testCase.hooks).toEqual(built.hooks);
  });
});
