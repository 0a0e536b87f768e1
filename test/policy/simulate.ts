/**
 * Offline IAM evaluation of synthesized templates, with @cloud-copilot/iam-simulate.
 *
 * A template's policies hold CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub,
 * Fn::ImportValue). `Assembly` resolves them to concrete JSON for one fixed test account, region and
 * partition, giving each resource a plausible physical name and ARN (its own name property when the
 * template sets one), and `decide` asks the simulator what AWS would answer to one request.
 *
 * What the simulator cannot judge, and so what these tests cannot prove:
 * - `kms:EncryptionContext:*` condition keys: iam-simulate ignores them (it reports them as ignored
 *   context keys), so a statement conditioned on one never matches. The CloudWatch Logs statement of
 *   the pipeline key is such a statement; `decide` returns the ignored keys so a test can say so.
 * - AWS-managed policies (AmazonRDSEnhancedMonitoringRole): their text is not in the template.
 * - Whether a service really sends a context key (CloudWatch sending aws:SourceArn, for example): the
 *   tests pass the keys AWS documents for each request; a service that sent fewer would be judged
 *   by AWS on fewer.
 */
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';

/** The fixed environment every template is resolved in. */
export const TEST_ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const TEST_REGION = 'sa-east-1';
export const TEST_PARTITION = 'aws';

/** Principals of the requests. */
export const CLOUDWATCH = 'cloudwatch.amazonaws.com';
export const ANONYMOUS = anonymousPrincipal;

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** One request and the policies that judge it. */
export interface Request {
  readonly principal: string | typeof anonymousPrincipal;
  readonly action: string;
  readonly resource: string;
  /** Request context keys (aws:SourceAccount, kms:ViaService, aws:ResourceTag/..., ...). */
  readonly context?: Record<string, string | string[]>;
  /** The policies of the calling principal. */
  readonly identityPolicies?: any[];
  /** The resource's own policy: a topic policy, a key policy, a role's trust policy. */
  readonly resourcePolicy?: any;
  /** The account that owns the resource. */
  readonly resourceAccount?: string;
  /** The policies of the VPC endpoints the request passes through. */
  readonly endpointPolicies?: any[];
}

/** What the simulator decided, and the context keys it ignored. */
export interface Outcome {
  readonly decision: Decision;
  readonly ignoredContextKeys: string[];
}

/** Evaluates one request. Throws when the simulator rejects the input (a malformed policy, say). */
export async function evaluate(request: Request): Promise<Outcome> {
  const result = await runSimulation({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount ?? TEST_ACCOUNT },
      contextVariables: request.context ?? {},
    },
    identityPolicies: (request.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    resourcePolicy: request.resourcePolicy,
    vpcEndpointPolicies: request.endpointPolicies?.map((policy, i) => ({ name: `endpoint-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
  if (result.resultType === 'error') {
    throw new Error(`iam-simulate rejected the request: ${JSON.stringify(result.errors)}`);
  }
  const ignored = result.resultType === 'single'
    ? result.result.ignoredContextKeys ?? []
    : result.results.flatMap(r => r.ignoredContextKeys ?? []);
  return { decision: result.overallResult as Decision, ignoredContextKeys: ignored };
}

/** The decision alone. */
export async function decide(request: Request): Promise<Decision> {
  return (await evaluate(request)).decision;
}

/** ARNs in the test environment. */
export function arn(service: string, resource: string, region = TEST_REGION, account = TEST_ACCOUNT): string {
  return `arn:${TEST_PARTITION}:${service}:${region}:${account}:${resource}`;
}

/**
 * The synthesized templates of one app, resolved in the test environment. Every stack of the app is
 * kept, so a value one stack imports from another (Fn::ImportValue) resolves to what it exports.
 */
export class Assembly {
  /** Synthesizes the app. */
  public static of(app: App): Assembly {
    const templates: Record<string, any> = {};
    for (const stack of app.synth().stacks) templates[stack.stackName] = stack.template;
    return new Assembly(templates);
  }

  private constructor(private readonly templates: Record<string, any>) {}

  /** One stack's template, resolved. */
  public stack(stackOrName: Stack | string): ResolvedStack {
    const name = typeof stackOrName === 'string' ? stackOrName : stackOrName.stackName;
    const template = this.templates[name];
    if (!template) throw new Error(`no stack ${name} in the assembly (${Object.keys(this.templates).join(', ')})`);
    return new ResolvedStack(this, name, template);
  }

  /** The value a stack exports under `exportName`, resolved in that stack. */
  public exportedValue(exportName: string): any {
    for (const [name, template] of Object.entries(this.templates)) {
      for (const output of Object.values<any>(template.Outputs ?? {})) {
        if (output.Export?.Name === exportName) return this.stack(name).resolve(output.Value);
      }
    }
    throw new Error(`no stack exports ${exportName}`);
  }
}

/** One template whose intrinsics resolve to the test environment's names and ARNs. */
export class ResolvedStack {
  constructor(private readonly assembly: Assembly, public readonly name: string, public readonly template: any) {}

  /** Every resource, by logical id. */
  public get resources(): Record<string, any> {
    return this.template.Resources ?? {};
  }

  /** Logical ids of the resources of a type that match `where` (default: all). */
  public logicalIds(type: string, where: (resource: any) => boolean = () => true): string[] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type && where(r)).map(([id]) => id);
  }

  /** The one logical id of a type that matches `where`. */
  public logicalId(type: string, where?: (resource: any) => boolean): string {
    const ids = this.logicalIds(type, where);
    if (ids.length !== 1) throw new Error(`expected one ${type} in ${this.name}, found ${ids.length}: ${ids.join(', ')}`);
    return ids[0];
  }

  /** Resolves every intrinsic in a value. */
  public resolve(value: any): any {
    if (Array.isArray(value)) return value.map(v => this.resolve(v)).filter(v => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [fn] = keys;
      const arg = value[fn];
      switch (fn) {
        case 'Ref': return this.ref(arg);
        case 'Fn::GetAtt': return this.getAtt(...(typeof arg === 'string' ? arg.split(/\.(.*)/s) : arg) as [string, string]);
        case 'Fn::Join': return (this.resolve(arg[1]) as any[]).join(arg[0]);
        case 'Fn::Select': return this.resolve(arg[1])[Number(this.resolve(arg[0]))];
        case 'Fn::Split': return String(this.resolve(arg[1])).split(arg[0]);
        case 'Fn::ImportValue': return this.assembly.exportedValue(this.resolve(arg));
        case 'Fn::Sub': return this.sub(arg);
        default: break;
      }
    }
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
      const resolved = this.resolve(v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  /** The resolved properties of a resource. */
  public properties(logicalId: string): any {
    return this.resolve(this.resource(logicalId).Properties ?? {});
  }

  /** The name a Ref to the resource returns, or its ARN where Ref returns one. */
  public ref(logicalId: string): any {
    switch (logicalId) {
      case 'AWS::AccountId': return TEST_ACCOUNT;
      case 'AWS::Region': return TEST_REGION;
      case 'AWS::Partition': return TEST_PARTITION;
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return this.name;
      case 'AWS::NoValue': return NO_VALUE;
      default: break;
    }
    const r = this.resource(logicalId);
    const p = r.Properties ?? {};
    const named = (prop: string) => (p[prop] !== undefined ? this.resolve(p[prop]) : `${this.name}-${logicalId}`);
    switch (r.Type) {
      case 'AWS::SNS::Topic': return arn('sns', named('TopicName'));
      case 'AWS::SecretsManager::Secret': return arn('secretsmanager', `secret:${named('Name')}-AbCdEf`);
      case 'AWS::IAM::ManagedPolicy': return `arn:${TEST_PARTITION}:iam::${TEST_ACCOUNT}:policy/${named('ManagedPolicyName')}`;
      case 'AWS::SQS::Queue': return `https://sqs.${TEST_REGION}.amazonaws.com/${TEST_ACCOUNT}/${named('QueueName')}`;
      case 'AWS::KMS::Key': return `key-${logicalId.toLowerCase()}`;
      case 'AWS::EC2::VPC': return `vpc-${logicalId.toLowerCase()}`;
      case 'AWS::EC2::SecurityGroup': return `sg-${logicalId.toLowerCase()}`;
      case 'AWS::IAM::Role': return named('RoleName');
      case 'AWS::Kinesis::Stream': return named('Name');
      case 'AWS::Logs::LogGroup': return named('LogGroupName');
      case 'AWS::Lambda::Function': return named('FunctionName');
      case 'AWS::RDS::DBInstance': return named('DBInstanceIdentifier');
      case 'AWS::CloudWatch::Alarm': return named('AlarmName');
      case 'AWS::StepFunctions::StateMachine': return arn('states', `stateMachine:${named('StateMachineName')}`);
      case 'AWS::S3::Bucket': return String(named('BucketName')).toLowerCase();
      default: return `${r.Type}/${logicalId}`;
    }
  }

  /** The value of `Fn::GetAtt [logicalId, attribute]`; unknown attributes fail, so no test passes on a guess. */
  public getAtt(logicalId: string, attribute: string): any {
    const r = this.resource(logicalId);
    const name = this.ref(logicalId);
    const known: Record<string, Record<string, () => any>> = {
      'AWS::IAM::Role': { Arn: () => `arn:${TEST_PARTITION}:iam::${TEST_ACCOUNT}:role/${name}` },
      'AWS::KMS::Key': { Arn: () => arn('kms', `key/${name}`), KeyId: () => name },
      'AWS::Kinesis::Stream': { Arn: () => arn('kinesis', `stream/${name}`) },
      'AWS::Logs::LogGroup': { Arn: () => arn('logs', `log-group:${name}:*`) },
      'AWS::Lambda::Function': { Arn: () => arn('lambda', `function:${name}`) },
      'AWS::CloudWatch::Alarm': { Arn: () => arn('cloudwatch', `alarm:${name}`) },
      'AWS::SNS::Topic': { TopicArn: () => name, TopicName: () => name.split(':').pop() },
      'AWS::SQS::Queue': { Arn: () => arn('sqs', name.split('/').pop()), QueueName: () => name.split('/').pop(), QueueUrl: () => name },
      'AWS::EC2::VPC': { DefaultSecurityGroup: () => `sg-default-${logicalId.toLowerCase()}`, VpcId: () => name },
      'AWS::EC2::SecurityGroup': { GroupId: () => name },
      'AWS::RDS::DBInstance': {
        'MasterUserSecret.SecretArn': () => arn('secretsmanager', `secret:rds!db-${logicalId.toLowerCase()}-AbCdEf`),
        'Endpoint.Address': () => `${name}.abcdefghijkl.${TEST_REGION}.rds.amazonaws.com`,
        'Endpoint.Port': () => '5433',
        // The instance's resource id, which IAM database authentication names (rds-db:connect).
        'DbiResourceId': () => `db-${logicalId.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 26)}`,
      },
      'AWS::S3::Bucket': { Arn: () => `arn:${TEST_PARTITION}:s3:::${name}` },
      'AWS::StepFunctions::StateMachine': { Arn: () => name, Name: () => name.split(':').pop() },
      'AWS::ElastiCache::ReplicationGroup': {
        'PrimaryEndPoint.Address': () => `master.${logicalId.toLowerCase()}.abcdef.sae1.cache.amazonaws.com`,
        'PrimaryEndPoint.Port': () => String(this.resolve(r.Properties?.Port ?? 6379)),
        'ConfigurationEndPoint.Address': () => `clustercfg.${logicalId.toLowerCase()}.abcdef.sae1.cache.amazonaws.com`,
        'ConfigurationEndPoint.Port': () => String(this.resolve(r.Properties?.Port ?? 6379)),
      },
    };
    const get = known[r.Type]?.[attribute];
    if (!get) throw new Error(`ResolvedStack cannot resolve Fn::GetAtt ${logicalId}.${attribute} (${r.Type}); add it`);
    return get();
  }

  /** The ARN of a role. */
  public roleArn(logicalId: string): string {
    return this.getAtt(logicalId, 'Arn');
  }

  /** Every identity policy document attached to a role in this template (inline, AWS::IAM::Policy, customer-managed). */
  public identityPolicies(roleLogicalId: string): any[] {
    const role = this.resource(roleLogicalId);
    const attachedTo = (r: any) => (r.Properties?.Roles ?? []).some((x: any) => x?.Ref === roleLogicalId);
    const managedRefs = new Set((role.Properties?.ManagedPolicyArns ?? []).map((x: any) => x?.Ref).filter(Boolean));
    return [
      ...(role.Properties?.Policies ?? []).map((p: any) => this.resolve(p.PolicyDocument)),
      ...this.logicalIds('AWS::IAM::Policy', attachedTo).map(id => this.properties(id).PolicyDocument),
      ...this.logicalIds('AWS::IAM::ManagedPolicy', r => attachedTo(r)).map(id => this.properties(id).PolicyDocument),
      ...[...managedRefs].map(id => this.properties(id as string).PolicyDocument),
    ];
  }

  /** A role as the simulator's caller: its ARN and every policy attached to it. */
  public caller(roleLogicalId: string): { principal: string; identityPolicies: any[] } {
    return { principal: this.roleArn(roleLogicalId), identityPolicies: this.identityPolicies(roleLogicalId) };
  }

  /** The stack's one KMS key: its ARN and its key policy. */
  public key(): { keyArn: string; keyPolicy: any } {
    const key = this.logicalId('AWS::KMS::Key');
    return { keyArn: this.getAtt(key, 'Arn'), keyPolicy: this.keyPolicy(key) };
  }

  /** A role's trust policy. */
  public trustPolicy(roleLogicalId: string): any {
    return this.properties(roleLogicalId).AssumeRolePolicyDocument;
  }

  /** A key's key policy. */
  public keyPolicy(keyLogicalId: string): any {
    return this.properties(keyLogicalId).KeyPolicy;
  }

  /** The topic policy of a topic, or undefined if it has none (the topic then has SNS's default policy). */
  public topicPolicy(topicLogicalId: string): any {
    const ids = this.logicalIds('AWS::SNS::TopicPolicy', r => (r.Properties?.Topics ?? []).some((t: any) => t?.Ref === topicLogicalId));
    if (ids.length > 1) throw new Error(`${topicLogicalId} has ${ids.length} topic policies; CloudFormation applies only the last one written`);
    return ids.length === 1 ? this.properties(ids[0]).PolicyDocument : undefined;
  }

  private resource(logicalId: string): any {
    const r = this.resources[logicalId];
    if (!r) throw new Error(`no resource ${logicalId} in ${this.name}`);
    return r;
  }

  private sub(arg: string | [string, Record<string, any>]): string {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : arg;
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in vars) return this.resolve(vars[name]);
      const [id, att] = name.split(/\.(.*)/s);
      return att ? this.getAtt(id, att) : this.ref(id);
    });
  }
}

const NO_VALUE = Symbol('AWS::NoValue');
