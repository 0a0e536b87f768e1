import { parse } from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnManagedPolicy, CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { CfnSecretTargetAttachment } from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';

/** The services whose roles run code next to the data: Lambda functions, ECS tasks, EC2 instances. */
const COMPUTE_SERVICES = ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com', 'ec2.amazonaws.com'];

/** AWS-managed policies that allow secretsmanager:GetSecretValue on every secret. */
const READ_EVERY_SECRET = /:iam::aws:policy\/(SecretsManagerReadWrite|AdministratorAccess|PowerUserAccess)$/;

/**
 * An RDS-managed master secret's ARN, as RDS names them (`rds!db-<id>`, `rds!cluster-<id>`): a resource
 * pattern that matches one may reach a master secret.
 */
const RDS_MANAGED_SECRETS = ['arn:aws:secretsmanager:sa-east-1:111122223333:secret:rds!db-0a1b2c3d-AbCdEf',
  'arn:aws:secretsmanager:sa-east-1:111122223333:secret:rds!cluster-0a1b2c3d-AbCdEf'];

/**
 * LGPD Art. 46 (security measures), Art. 6 VII and X: a compute role (a Lambda function's, an ECS task's
 * or an EC2 instance's) that may read an RDS master secret signs in as the master user, who may read,
 * change and drop every table: one bug or one compromised dependency of that code reaches all of the
 * personal data. Each job should sign in as its own role with only its privileges (IAM database
 * authentication, or a secret of its own), and only the job that makes the schema should read the master
 * secret, acknowledged on its role with the reason.
 *
 * Flagged: a role assumed by one of those services whose policies in the stack (inline, attached
 * `AWS::IAM::Policy`, customer-managed, or an AWS-managed policy that reads every secret) allow
 * `secretsmanager:GetSecretValue` on `*`, on a pattern that matches RDS-managed master secrets
 * (`secret:rds!...`), or on a master secret of the stack: the `MasterUserSecret` of a DB instance or
 * cluster, the secret its `MasterUserPassword` resolves from, or that secret's target attachment.
 * Conditions are not evaluated: a grant narrowed by one still reaches a master secret.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnRole) || !isComputeRole(node)) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    const masters = masterSecrets(stack);
    const documents = policyDocuments(node);
    if (documents.managedArns.some(arn => READ_EVERY_SECRET.test(arn))) return NagRuleCompliance.NON_COMPLIANT;
    const readsMaster = documents.statements.some(s => s?.Effect === 'Allow' && allowsGetSecretValue(s)
      && [s.Resource ?? []].flat().some((r: unknown) => isMasterSecret(r, masters)));
    return readsMaster ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
  'name',
  { value: parse(__filename).name },
);

function isComputeRole(role: CfnRole): boolean {
  const trust = Stack.of(role).resolve(role.assumeRolePolicyDocument);
  return [trust?.Statement ?? []].flat().some((s: any) => s?.Effect === 'Allow'
    && [s.Principal?.Service ?? []].flat().some((service: unknown) => COMPUTE_SERVICES.includes(String(service))));
}

/** Every statement of the role's policies in the stack, and the ARNs of the managed policies it names. */
function policyDocuments(role: CfnRole): { statements: any[]; managedArns: string[] } {
  const stack = Stack.of(role);
  const roleId = stack.resolve(role.logicalId);
  const names = (roles: unknown) => [stack.resolve(roles) ?? []].flat().some((r: any) => r?.Ref === roleId);
  const resources = stack.node.findAll().filter(CfnResource.isCfnResource);
  const docs: any[] = [...[stack.resolve(role.policies) ?? []].flat().map((p: any) => p?.PolicyDocument ?? p?.policyDocument)];
  for (const r of resources) {
    if (r instanceof CfnPolicy && names(r.roles)) docs.push(stack.resolve(r.policyDocument));
    if (r instanceof CfnManagedPolicy && names(r.roles)) docs.push(stack.resolve(r.policyDocument));
  }
  const managedArns: string[] = [];
  for (const arn of [stack.resolve(role.managedPolicyArns) ?? []].flat()) {
    const attached = resources.find((r): r is CfnManagedPolicy => r instanceof CfnManagedPolicy && stack.resolve(r.logicalId) === (arn as any)?.Ref);
    if (attached) docs.push(stack.resolve(attached.policyDocument));
    else managedArns.push(flatten(arn));
  }
  return { statements: docs.flatMap(d => [d?.Statement ?? []].flat()), managedArns };
}

function allowsGetSecretValue(statement: any): boolean {
  const matches = (actions: unknown) => [actions ?? []].flat().some(a => glob(String(a), 'secretsmanager:GetSecretValue', true));
  return statement.Action !== undefined ? matches(statement.Action) : statement.NotAction !== undefined && !matches(statement.NotAction);
}

/** The logical ids of the stack's master secrets (and of their attachments), and of its DB resources that manage their own. */
function masterSecrets(stack: Stack): { secrets: Set<string>; managedBy: Set<string> } {
  const secrets = new Set<string>();
  const managedBy = new Set<string>();
  const resources = stack.node.findAll().filter(CfnResource.isCfnResource);
  for (const db of resources.filter(r => r instanceof CfnDBInstance || r instanceof CfnDBCluster)) {
    const rendered = stack.resolve((db as any)._toCloudFormation()).Resources?.[stack.resolve(db.logicalId)]?.Properties ?? {};
    if (rendered.ManageMasterUserPassword === true || rendered.ManageMasterUserPassword === 'true') managedBy.add(stack.resolve(db.logicalId));
    for (const ref of refsIn(rendered.MasterUserPassword)) secrets.add(ref);
  }
  for (const attachment of resources.filter((r): r is CfnSecretTargetAttachment => r instanceof CfnSecretTargetAttachment)) {
    const target = refsIn(stack.resolve(attachment.secretId));
    if (target.some(id => secrets.has(id))) secrets.add(stack.resolve(attachment.logicalId));
  }
  return { secrets, managedBy };
}

function isMasterSecret(resource: unknown, masters: { secrets: Set<string>; managedBy: Set<string> }): boolean {
  const r = resource as any;
  if (r?.Ref !== undefined) return masters.secrets.has(r.Ref);
  if (Array.isArray(r?.['Fn::GetAtt'])) return masters.managedBy.has(r['Fn::GetAtt'][0]) && r['Fn::GetAtt'][1] === 'MasterUserSecret.SecretArn';
  const pattern = flatten(resource);
  return pattern === '*' || RDS_MANAGED_SECRETS.some(arn => glob(pattern, arn, false));
}

/** The logical ids a value refers to with `Ref` (dynamic references included, as `Fn::Join` parts). */
function refsIn(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  if ('Ref' in (value as any)) return [String((value as any).Ref)];
  return Object.values(value as object).flatMap(refsIn);
}

/** An ARN pattern with every intrinsic (a partition, a region, an account, a name) as `*`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as any)?.['Fn::Join'];
  if (Array.isArray(join)) return [join[1]].flat().map(flatten).join(join[0]);
  return '*';
}

/** IAM wildcards: `*` any run of characters, `?` one. */
function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}
