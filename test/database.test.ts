import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { only, resourcesOf, synth } from './util';

const KEY_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineKey'), 'Arn'] };

describe('database', () => {
  const { template } = synth({ environmentSuffix: 'dev' });
  const db = only(template, 'AWS::RDS::DBInstance');

  test('PostgreSQL 17 on t4g.medium, named with the suffix, on a non-default port', () => {
    expect(db.Properties).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '17',
      DBInstanceClass: 'db.t4g.medium',
      DBInstanceIdentifier: 'lgpd-db-dev',
      Port: '5433',
    });
  });

  test('names no minor version, so a new environment gets the minor RDS offers that day, and minor upgrades are automatic', () => {
    // A pinned minor (17.7) stops creating new instances once RDS retires it; "17" never does.
    expect(db.Properties.EngineVersion).toMatch(/^\d+$/);
    expect(db.Properties.AutoMinorVersionUpgrade).toBe(true);
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres17' });
    // cfn-lint W3691 flags a major once any of its minors is deprecated (docs/first-deploy.md):
    // acknowledged on this resource for the major-only default only.
    expect(db.Metadata?.['cfn-lint']).toEqual({ config: { ignore_checks: ['W3691'] } });
  });

  test('a pinned minor version is kept as given, and cfn-lint judges it', () => {
    const pinned = only(synth({ environmentSuffix: 'dev', database: { engineVersion: rds.PostgresEngineVersion.VER_17_9 } }).template, 'AWS::RDS::DBInstance');
    expect(pinned.Properties.EngineVersion).toBe('17.9');
    expect(pinned.Metadata?.['cfn-lint']).toBeUndefined();
  });

  test('storage, Performance Insights and the master secret are encrypted with the pipeline key', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      StorageEncrypted: true,
      KmsKeyId: KEY_ARN,
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: KEY_ARN,
      ManageMasterUserPassword: true,
      MasterUserSecret: { KmsKeyId: KEY_ARN },
    });
  });

  test('the master password is managed and rotated by RDS, never in the template', () => {
    expect(db.Properties.MasterUserPassword).toBeUndefined();
    expect(JSON.stringify(template.toJSON())).not.toContain('managed-by-rds');
    template.resourceCountIs('AWS::SecretsManager::SecretTargetAttachment', 0);
  });

  test('TLS is forced and connections are audited by the parameter group', () => {
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'postgres17',
      DBParameterGroupName: 'lgpd-db-params-dev',
      Parameters: { 'rds.force_ssl': '1', 'log_connections': '1', 'log_disconnections': '1' },
    });
  });

  test('IAM authentication, log exports, Multi-AZ, backups, storage autoscaling, no public access', () => {
    expect(db.Properties).toMatchObject({
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
      MultiAZ: true,
      BackupRetentionPeriod: 7,
      AllocatedStorage: '20',
      MaxAllocatedStorage: 100,
      PubliclyAccessible: false,
      CopyTagsToSnapshot: true,
      StorageType: 'gp3',
      CACertificateIdentifier: 'rds-ca-rsa2048-g1',
    });
  });

  test('exported logs go to encrypted log groups created before the instance', () => {
    for (const kind of ['postgresql', 'upgrade']) {
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/rds/instance/lgpd-db-dev/${kind}`,
        KmsKeyId: KEY_ARN,
      });
    }
    expect(template.findResources('AWS::RDS::DBInstance', { DependsOn: Match.arrayWith([Match.stringLikeRegexp('Logspostgresql')]) }))
      .not.toEqual({});
  });

  test('lives only in the isolated subnets', () => {
    const subnetGroup = only(template, 'AWS::RDS::DBSubnetGroup');
    expect(subnetGroup.Properties.DBSubnetGroupName).toBe('lgpd-db-subnets-dev');
    const ids = subnetGroup.Properties.SubnetIds.map((s: any) => s.Ref);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/DataSubnet/);
  });

  test('deletion protection and a final snapshot by default', () => {
    expect(db.Properties.DeletionProtection).toBe(true);
    expect(db.DeletionPolicy).toBe('Snapshot');
    expect(db.UpdateReplacePolicy).toBe('Snapshot');
  });

  test('options are honoured', () => {
    const t = synth({
      environmentSuffix: 'dev',
      database: {
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
        engineVersion: rds.PostgresEngineVersion.VER_16_9,
        allocatedStorage: 50,
        maxAllocatedStorage: 500,
        multiAz: false,
        backupRetention: Duration.days(30),
        port: 6543,
      },
    }).template;
    t.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.m7g.large',
      EngineVersion: '16.9',
      AllocatedStorage: '50',
      MaxAllocatedStorage: 500,
      MultiAZ: false,
      BackupRetentionPeriod: 30,
      Port: '6543',
    });
  });

  test('the security group accepts nothing by default and sends nothing', () => {
    const [, sg] = resourcesOf(template, 'AWS::EC2::SecurityGroup').find(([id]) => id.includes('Database'))!;
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  // A gap the property tests found: the default maxAllocatedStorage (twice allocatedStorage) once went
  // past RDS's 65536 GiB, which CloudFormation rejects at deploy time.
  test('the default maxAllocatedStorage stays within 65536 GiB when allocatedStorage is over 32768', () => {
    synth({ environmentSuffix: 'dev', database: { allocatedStorage: 40000 } }).template.hasResourceProperties('AWS::RDS::DBInstance', { AllocatedStorage: '40000', MaxAllocatedStorage: 65536 });
  });
});
