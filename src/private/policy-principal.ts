import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';

/**
 * A role whose grants land in a customer-managed policy rather than in the role's inline default
 * policy (HIPAA, NIST 800-53 and PCI DSS `IAMNoInlinePolicy`): `iam.Grant` and every `grant*` method
 * call `addToPrincipalPolicy`, which here adds the statement to `policy`.
 *
 * Written by hand: aws-cdk-lib's Role always writes grants into its inline `DefaultPolicy`.
 */
export class ManagedPolicyPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly policyFragment: iam.PrincipalPolicyFragment;
  public readonly principalAccount?: string;

  /**
   * @param role the role the statements are for
   * @param policy the customer-managed policy attached to it, which receives every grant
   */
  constructor(public readonly role: iam.Role, public readonly policy: iam.ManagedPolicy) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.policyFragment = role.policyFragment;
    this.principalAccount = role.principalAccount;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    const dependable: IDependable = this.policy;
    return { statementAdded: true, policyDependable: dependable };
  }
}

/** Properties of {@link lambdaPrincipal}. */
export interface LambdaPrincipalProps {
  /** The role's description. */
  readonly roleDescription: string;
  /** The policy's description. */
  readonly policyDescription: string;
  /** Statements the policy starts with; grants add more. */
  readonly statements?: iam.PolicyStatement[];
}

/**
 * The one recipe for a Lambda function's identity: a role Lambda assumes (`Role` under `scope`) whose
 * permissions all live in one customer-managed policy (`Policy`), and the principal that writes every
 * grant into that policy. Give the function `principal.role` (or `role.withoutPolicyUpdates()` for an
 * L2 function) and make it depend on `principal.policy`.
 */
export function lambdaPrincipal(scope: Construct, props: LambdaPrincipalProps): ManagedPolicyPrincipal {
  return servicePrincipal(scope, 'lambda.amazonaws.com', props);
}

/** Properties of {@link servicePrincipal}. */
export interface ServicePrincipalProps extends LambdaPrincipalProps {
  /** Conditions on the service assuming the role (aws:SourceAccount, aws:SourceArn). */
  readonly conditions?: Record<string, Record<string, unknown>>;
}

/** The same recipe for a role another AWS service assumes (Step Functions, say). */
export function servicePrincipal(scope: Construct, service: string, props: ServicePrincipalProps): ManagedPolicyPrincipal {
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal(service, props.conditions ? { conditions: props.conditions } : {}),
    description: props.roleDescription,
  });
  const policy = new iam.ManagedPolicy(scope, 'Policy', {
    description: props.policyDescription,
    roles: [role],
    statements: props.statements,
  });
  return new ManagedPolicyPrincipal(role, policy);
}
