/**
 * A narrow IAM evaluator for one question: does a resource policy (a topic policy, a key policy) let
 * an AWS service principal make one request?
 *
 * Written by hand: LgpdChecks runs inside users' apps, so it cannot use a dev dependency, and the
 * maintained offline simulator (@cloud-copilot/iam-simulate) ships about 19 MB of IAM data, too much to
 * bundle into every language's package for one rule. The tests check this evaluator against that
 * simulator on generated policies (test/compliance/policy-evaluation.test.ts).
 *
 * What it understands: `Effect`; `Principal` and `NotPrincipal` (`*`, `AWS`, `Service`); `Action` and
 * `NotAction` (case-insensitive, `*` and `?`); `Resource` and `NotResource` (ARN components matched one
 * by one); the condition operators `StringEquals`, `StringNotEquals`, `StringEqualsIgnoreCase`,
 * `StringNotEqualsIgnoreCase`, `StringLike`, `StringNotLike`, `ArnEquals`, `ArnLike`, `ArnNotEquals`,
 * `ArnNotLike`, `Bool` (each also with `IfExists`) and `Null`. A statement with anything else (another
 * operator, a `ForAllValues:` or `ForAnyValue:` set operator) is unknown: an unknown Allow allows
 * nothing and an unknown Deny denies, so the evaluator errs towards "not allowed".
 */

/** One request of a service principal. */
export interface ServiceRequest {
  /** The service principal, for example `cloudwatch.amazonaws.com`. */
  readonly service: string;
  /** The action, for example `sns:Publish`. */
  readonly action: string;
  /** The resource ARN. */
  readonly resource: string;
  /** The request context: keys are case-insensitive, values single strings. */
  readonly context: Record<string, string>;
}

export type PolicyDecision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** What a resource policy decides for a service principal's request (no identity policy applies to one). */
export function evaluateResourcePolicy(policy: any, request: ServiceRequest): PolicyDecision {
  const statements: any[] = [policy?.Statement ?? []].flat();
  let allowed = false;
  for (const s of statements) {
    const effect = s?.Effect;
    const match = statementMatches(s, request);
    if (effect === 'Deny' && match !== false) return 'ExplicitlyDenied';
    if (effect === 'Allow' && match === true) allowed = true;
  }
  return allowed ? 'Allowed' : 'ImplicitlyDenied';
}

/** true, false, or undefined when the statement uses something this evaluator does not understand. */
function statementMatches(s: any, r: ServiceRequest): boolean | undefined {
  const principal = s.Principal !== undefined ? principalMatches(s.Principal, r.service)
    : s.NotPrincipal !== undefined ? negate(principalMatches(s.NotPrincipal, r.service)) : false;
  const action = s.Action !== undefined ? anyOf(s.Action, p => glob(p, r.action, true))
    : s.NotAction !== undefined ? !anyOf(s.NotAction, p => glob(p, r.action, true)) : false;
  const resource = s.Resource !== undefined ? anyOf(s.Resource, p => resourceMatches(p, r.resource))
    : s.NotResource !== undefined ? !anyOf(s.NotResource, p => resourceMatches(p, r.resource)) : false;
  const condition = conditionMatches(s.Condition ?? {}, r.context);
  return and(principal, action, resource, condition);
}

function principalMatches(principal: any, service: string): boolean | undefined {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return undefined;
  for (const [kind, values] of Object.entries(principal)) {
    const list = [values].flat().map(String);
    if (kind === 'AWS' && list.includes('*')) return true;
    if (kind === 'Service' && list.includes(service)) return true;
  }
  return false;
}

type Test = (value: string | undefined) => boolean;

/** The test each operator applies to one request value against one policy value. */
const OPERATORS: Record<string, (policyValue: string) => Test> = {
  StringEquals: p => v => v === p,
  StringNotEquals: p => v => v !== p,
  StringEqualsIgnoreCase: p => v => v?.toLowerCase() === p.toLowerCase(),
  StringNotEqualsIgnoreCase: p => v => v?.toLowerCase() !== p.toLowerCase(),
  StringLike: p => v => v !== undefined && glob(p, v, false),
  StringNotLike: p => v => v === undefined || !glob(p, v, false),
  ArnEquals: p => v => v !== undefined && arnMatch(p, v) === true,
  ArnLike: p => v => v !== undefined && arnMatch(p, v) === true,
  ArnNotEquals: p => v => v === undefined || arnMatch(p, v) === false,
  ArnNotLike: p => v => v === undefined || arnMatch(p, v) === false,
  Bool: p => v => v !== undefined && v.toLowerCase() === p.toLowerCase(),
};

/** Operators that are true when none of their values match (negated), rather than when one does. */
const NEGATED = new Set(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike']);

function conditionMatches(condition: Record<string, any>, context: Record<string, string>): boolean | undefined {
  const lookup = (key: string) => {
    const found = Object.keys(context).find(k => k.toLowerCase() === key.toLowerCase());
    return found === undefined ? undefined : context[found];
  };
  const results: Array<boolean | undefined> = [];
  for (const [operator, block] of Object.entries(condition)) {
    for (const [key, values] of Object.entries(block ?? {})) {
      const value = lookup(key);
      const policyValues = [values].flat().map(String);
      if (operator === 'Null') {
        results.push(policyValues.some(p => (p.toLowerCase() === 'true') === (value === undefined)));
        continue;
      }
      const ifExists = operator.endsWith('IfExists');
      const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
      const make = OPERATORS[base];
      if (!make) {
        results.push(undefined);
      } else if (value === undefined && ifExists) {
        results.push(true);
      } else if (NEGATED.has(base)) {
        results.push(policyValues.every(p => make(p)(value)));
      } else {
        results.push(policyValues.some(p => make(p)(value)));
      }
    }
  }
  return and(...results);
}

/** A `Resource` entry: `*` is every resource; otherwise an ARN pattern. */
function resourceMatches(pattern: string, value: string): boolean {
  return pattern === '*' || arnMatch(pattern, value) === true;
}

/**
 * ARN patterns match component by component (the resource part, which may hold colons, as one). A
 * pattern of fewer than six components (a bare `*`) is no ARN pattern: against an ARN it is 'invalid',
 * which makes an `Arn...` condition false whether or not it is negated. Values that are not ARNs (the
 * placeholders of unresolved references) compare whole.
 */
function arnMatch(pattern: string, value: string): boolean | 'invalid' {
  const p = splitArn(pattern);
  const v = splitArn(value);
  if (!v) return glob(pattern, value, false);
  if (!p) return 'invalid';
  return p.every((part, i) => glob(part, v[i], false));
}

function splitArn(s: string): string[] | undefined {
  const parts = s.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** `*` matches any run of characters, `?` one character. */
function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = String(pattern).split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function anyOf(values: any, test: (p: string) => boolean): boolean {
  return [values].flat().some(v => typeof v === 'string' && test(v));
}

function negate(b: boolean | undefined): boolean | undefined {
  return b === undefined ? undefined : !b;
}

/** false if any is false; otherwise undefined if any is unknown; otherwise true. */
function and(...values: Array<boolean | undefined>): boolean | undefined {
  if (values.some(v => v === false)) return false;
  return values.some(v => v === undefined) ? undefined : true;
}
