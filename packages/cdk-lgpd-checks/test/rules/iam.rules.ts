import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { findingsOf } from './util';

const postgres = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_7 });

/** A PostgreSQL instance whose master password aws-cdk-lib generates into a secret it attaches. */
function instance(stack: Stack): rds.DatabaseInstance {
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return new rds.DatabaseInstance(stack, 'Db', { engine: postgres, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
}

/** A role that `service` assumes. */
function role(stack: Stack, id: string, service: string): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal(service) });
}

function fn(stack: Stack, id: string): lambda.Function {
  return new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
}

const readSecret = (resource: string) => new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [resource] });

describe('ComputeRoleNoRDSMasterSecret (Art. 46)', () => {
  test('flags a Lambda function granted the master secret aws-cdk-lib generates and attaches, and an ECS task role with it in a managed policy', () => {
    expect(findingsOf('ComputeRoleNoRDSMasterSecret', stack => {
      const db = instance(stack);
      db.secret!.grantRead(fn(stack, 'Reader'));
      const task = role(stack, 'TaskRole', 'ecs-tasks.amazonaws.com');
      new iam.ManagedPolicy(stack, 'TaskPolicy', { roles: [task], statements: [readSecret(db.secret!.secretArn)] });
    })).toEqual(['LGPD-ComputeRoleNoRDSMasterSecret Reader/ServiceRole/Resource', 'LGPD-ComputeRoleNoRDSMasterSecret TaskRole/Resource']);
  });

  test('flags an EC2 role that may read every secret, one whose pattern matches RDS-managed secrets, and one with SecretsManagerReadWrite', () => {
    expect(findingsOf('ComputeRoleNoRDSMasterSecret', stack => {
      role(stack, 'Everything', 'ec2.amazonaws.com').addToPolicy(readSecret('*'));
      role(stack, 'RdsManaged', 'lambda.amazonaws.com').addToPolicy(readSecret(stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: 'rds!db-*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })));
      role(stack, 'AwsManaged', 'ec2.amazonaws.com').addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('SecretsManagerReadWrite'));
    })).toEqual([
      'LGPD-ComputeRoleNoRDSMasterSecret AwsManaged/Resource', 'LGPD-ComputeRoleNoRDSMasterSecret Everything/Resource', 'LGPD-ComputeRoleNoRDSMasterSecret RdsManaged/Resource',
    ]);
  });

  test('flags a role granted the secret RDS manages for an instance (ManageMasterUserPassword, MasterUserSecret.SecretArn)', () => {
    expect(findingsOf('ComputeRoleNoRDSMasterSecret', stack => {
      const db = new rds.CfnDBInstance(stack, 'Managed', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', manageMasterUserPassword: true, masterUsername: 'admin_user' });
      role(stack, 'Reader', 'lambda.amazonaws.com').addToPolicy(readSecret(db.attrMasterUserSecretSecretArn));
    })).toEqual(['LGPD-ComputeRoleNoRDSMasterSecret Reader/Resource']);
  });

  test('passes a role that reads another secret, a role of a job\'s own login attached to the instance, IAM database authentication, and a role that is not compute', () => {
    expect(findingsOf('ComputeRoleNoRDSMasterSecret', stack => {
      const db = instance(stack);
      const other = new secretsmanager.Secret(stack, 'ApiKey');
      other.grantRead(fn(stack, 'ApiClient'));
      const login = new rds.DatabaseSecret(stack, 'ProcessorLogin', { username: 'lgpd_processor' }).attach(db);
      login.grantRead(fn(stack, 'Processor'));
      db.grantConnect(fn(stack, 'IamClient'), 'lgpd_processor');
      db.secret!.grantRead(role(stack, 'Workflow', 'states.amazonaws.com'));
    })).toEqual([]);
  });
});
