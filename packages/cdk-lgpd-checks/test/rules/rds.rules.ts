import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { findingsOf } from './util';

const postgres = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_7 });
const mysql = rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_4_5 });

function instance(stack: Stack, id: string, props: Partial<rds.DatabaseInstanceProps> = {}): rds.DatabaseInstance {
  const vpc = stack.node.tryFindChild('Vpc') as ec2.Vpc ?? new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
  return new rds.DatabaseInstance(stack, id, { engine: postgres, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, ...props });
}

describe('RDSTransportEncryptionEnforced (Art. 46, in transit)', () => {
  test('flags an RDS instance without TLS enforcement (default parameter group)', () => {
    expect(findingsOf('RDSTransportEncryptionEnforced', stack => { instance(stack, 'Db'); }))
      .toEqual(['LGPD-RDSTransportEncryptionEnforced Db/Resource']);
  });

  test('flags a parameter group that leaves rds.force_ssl off', () => {
    expect(findingsOf('RDSTransportEncryptionEnforced', stack => {
      instance(stack, 'Db', { parameterGroup: new rds.ParameterGroup(stack, 'Params', { engine: postgres, parameters: { 'rds.force_ssl': '0' } }) });
    })).toEqual(['LGPD-RDSTransportEncryptionEnforced Db/Resource']);
  });

  test('passes PostgreSQL with rds.force_ssl = 1 and MySQL with require_secure_transport = ON', () => {
    expect(findingsOf('RDSTransportEncryptionEnforced', stack => {
      instance(stack, 'Pg', { parameterGroup: new rds.ParameterGroup(stack, 'PgParams', { engine: postgres, parameters: { 'rds.force_ssl': '1' } }) });
      instance(stack, 'My', { engine: mysql, parameterGroup: new rds.ParameterGroup(stack, 'MyParams', { engine: mysql, parameters: { require_secure_transport: 'ON' } }) });
    })).toEqual([]);
  });

  test('checks an Aurora cluster through its cluster parameter group', () => {
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 });
    const cluster = (stack: Stack, id: string, parameters?: Record<string, string>) => new rds.DatabaseCluster(stack, id, {
      engine,
      vpc: stack.node.tryFindChild('Vpc') as ec2.Vpc ?? new ec2.Vpc(stack, 'Vpc', { natGateways: 0 }),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      writer: rds.ClusterInstance.provisioned('Writer'),
      parameterGroup: parameters ? new rds.ParameterGroup(stack, `${id}Params`, { engine, parameters }) : undefined,
    });
    expect(findingsOf('RDSTransportEncryptionEnforced', stack => {
      cluster(stack, 'Plain');
      cluster(stack, 'Tls', { 'rds.force_ssl': '1' });
    })).toEqual(['LGPD-RDSTransportEncryptionEnforced Plain/Resource']);
  });
});

describe('RDSStorageCustomerManagedKey (Art. 46)', () => {
  test('flags unencrypted storage and storage encrypted with the AWS-managed key; passes a customer key', () => {
    expect(findingsOf('RDSStorageCustomerManagedKey', stack => {
      instance(stack, 'Plain', { storageEncrypted: false });
      instance(stack, 'AwsManaged', { storageEncrypted: true });
      instance(stack, 'Customer', { storageEncryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
    })).toEqual(['LGPD-RDSStorageCustomerManagedKey AwsManaged/Resource', 'LGPD-RDSStorageCustomerManagedKey Plain/Resource']);
  });
});

describe('RDSAuditLogsExported (Art. 37)', () => {
  test('flags an instance that exports no logs; passes one that exports them', () => {
    expect(findingsOf('RDSAuditLogsExported', stack => {
      instance(stack, 'Silent');
      instance(stack, 'Logged', { cloudwatchLogsExports: ['postgresql'] });
    })).toEqual(['LGPD-RDSAuditLogsExported Silent/Resource']);
  });
});
