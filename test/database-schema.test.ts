/**
 * The schema migrations as the template has them (src/database-schema.ts): where the two functions run,
 * what the custom resource carries, what it waits for, and how a job's login is granted. What the
 * functions do is proven against PostgreSQL 17 in test/processor/schema.processor.ts; what their
 * policies allow is evaluated in test/policy/policies.test.ts.
 */
import * as path from 'path';
import { Duration, FileSystem } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CacheUser, DatabaseAuthentication, DatabaseRole } from '../src';
import { NetworkModel } from './fixtures/reachability';
import { build, resourcesOf } from './util';

const MIGRATIONS = path.join(__dirname, '..', 'assets', 'handlers', 'schema-migrations', 'migrations');

describe('a pipeline whose processor signs in with IAM (the default)', () => {
  const { stack, pipeline } = build({ environmentSuffix: 'dev' });
  pipeline.addProcessor('Processor');
  const template = Template.fromStack(stack);
  const json = template.toJSON();
  const fn = (name: string) => resourcesOf(template, 'AWS::Lambda::Function').find(([, r]) => r.Properties.FunctionName === name)!;
  const [migrationId, migration] = fn('lgpd-db-schema-dev');
  const [handlerId, handler] = fn('lgpd-db-schema-dev-cfn');
  const [schemaId, schema] = resourcesOf(template, 'Custom::LgpdDatabaseSchema')[0];

  test('the migration function runs in the application subnets, reaches the database and the endpoints only (not the cache), and ships the RDS CAs', () => {
    const model = new NetworkModel(json);
    const subnets = migration.Properties.VpcConfig.SubnetIds.map((s: any) => s.Ref);
    expect(subnets.sort()).toEqual(model.subnetsNamed('Application').sort());
    const [group] = migration.Properties.VpcConfig.SecurityGroupIds;
    expect(model.reachableFrom(group['Fn::GetAtt'][0], subnets)).toEqual([
      'PipelineDatabase0EE08539 tcp/5433', 'kinesis-streams (interface endpoint) tcp/443', 'secretsmanager (interface endpoint) tcp/443',
      'sqs (interface endpoint) tcp/443',
    ]);
    // No fixed name: an update that replaces the group does not fail on it.
    expect(json.Resources[group['Fn::GetAtt'][0]].Properties.GroupName).toBeUndefined();
    expect(migration.Properties).toMatchObject({
      Handler: 'index.handler', Runtime: 'nodejs24.x', Timeout: 300, Environment: { Variables: { NODE_EXTRA_CA_CERTS: '/var/task/rds-ca-bundle.pem' } },
    });
  });

  test('the custom resource function runs outside the VPC, knows only the migration function, and answers within the custom resource\'s 20 minutes', () => {
    expect(handler.Properties.VpcConfig).toBeUndefined();
    expect(handler.Properties).toMatchObject({ Handler: 'index.onEvent', Timeout: 360, Environment: { Variables: { MIGRATION_FUNCTION: { Ref: migrationId } } } });
    expect(schema.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [handlerId, 'Arn'] });
    expect(schema.Properties.ServiceTimeout).toBe('1200');
  });

  test('the custom resource carries the database, the master secret, the logins and the hash of the shipped migrations', () => {
    expect(stack.resolve(schema.Properties)).toMatchObject({
      DatabaseHost: { 'Fn::GetAtt': ['PipelineDatabase0EE08539', 'Endpoint.Address'] },
      DatabasePort: '5433',
      DatabaseName: 'transactions',
      MasterSecretArn: { 'Fn::GetAtt': ['PipelineDatabase0EE08539', 'MasterUserSecret.SecretArn'] },
      Logins: [{ Role: 'lgpd_processor', Authentication: 'iam' }],
    });
    // The folder's hash: a new or changed migration changes it, and so re-runs the custom resource.
    expect(schema.Properties.Migrations).toBe(FileSystem.fingerprint(MIGRATIONS));
  });

  test('the custom resource waits for the migration function\'s policy and for the rules that let it reach the database and Secrets Manager', () => {
    const waits = schema.DependsOn as string[];
    for (const pattern of [/^PipelineDatabaseSchemaMigratePolicy/, /^PipelineDatabaseSecurityGroupfrom\w*SchemaMigrateSecurityGroup/,
      /^PipelineEndpointsSecurityGroupfrom\w*SchemaMigrateSecurityGroup/, /^PipelineEndpointsSecretsManager/]) {
      expect(waits.filter(id => pattern.test(id))).toHaveLength(1);
    }
    // Not on the processor's rules: other clients' changes do not touch it.
    expect(waits.filter(id => id.includes('Processor'))).toEqual([]);
    expect(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')[0][1].DependsOn).toContain(schemaId);
  });

  test('one schema for every login: a second job asking for the same role gets the same login', () => {
    const login = pipeline.databaseLogin(DatabaseRole.PROCESSOR, DatabaseAuthentication.IAM);
    expect(pipeline.databaseLogin(DatabaseRole.PROCESSOR, DatabaseAuthentication.IAM)).toBe(login);
    expect(login.roleName).toBe('lgpd_processor');
    expect(login.secret).toBeUndefined();
  });
});

describe('a pipeline whose processor signs in with a rotated secret of its own', () => {
  const { stack, pipeline } = build({ environmentSuffix: 'dev' });
  pipeline.addProcessor('Processor', { databaseAuthentication: DatabaseAuthentication.rotatedSecret(Duration.days(10)) });
  const template = Template.fromStack(stack);
  const [attachment] = resourcesOf(template, 'AWS::SecretsManager::SecretTargetAttachment').map(([id]) => id);

  test('the login names its secret, which the migration function may read to give the role its first password', () => {
    const [, schema] = resourcesOf(template, 'Custom::LgpdDatabaseSchema')[0];
    expect(schema.Properties.Logins).toEqual([{ Role: 'lgpd_processor', Authentication: 'password', SecretArn: { Ref: attachment } }]);
    const policy = JSON.stringify(resourcesOf(template, 'AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('PipelineDatabaseSchemaMigratePolicy'))![1]);
    expect(policy).toContain(attachment);
  });

  test('the rotation runs in the application subnets with a security group of its own, without a fixed name', () => {
    const groups = resourcesOf(template, 'AWS::EC2::SecurityGroup').filter(([id]) => /Rotation/.test(id));
    expect(groups).toHaveLength(1);
    expect(groups[0][1].Properties.GroupName).toBeUndefined();
    expect(pipeline.cacheLogin(CacheUser.PROCESSOR).userName).toBe('lgpd-processor');
  });
});

test('a pipeline no job signs in to has no schema migrations', () => {
  const { stack } = build({ environmentSuffix: 'dev' });
  Template.fromStack(stack).resourceCountIs('Custom::LgpdDatabaseSchema', 0);
});
