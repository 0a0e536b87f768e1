/**
 * Reading a function's configuration from its environment variables, for the processor and the rights
 * functions alike: a bad value fails with an error that names the variable and echoes the value (none
 * of them is a secret). The variables' names are the constructs' contracts (src/private/*-contract.ts).
 */
import { PROCESSOR_VARIABLES as V } from '../../src/private/processor-contract';

export type Env = Readonly<Record<string, string | undefined>>;

/** How a job signs in to PostgreSQL: IAM database authentication, or a secret's username and password. */
export type DatabaseCredentials =
  | { readonly kind: 'secret'; readonly secretArn: string }
  | { readonly kind: 'iam'; readonly user: string; readonly region: string };

/** The variable's value; undefined when it is unset or empty. */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new Error(`${name} must be set`);
  return value;
}

/** An integer in [min, max]; without a fallback the variable is required. */
export function integer(env: Env, name: string, min: number, max: number, fallback?: number): number {
  const text = fallback === undefined ? required(env, name) : optional(env, name);
  if (text === undefined) return fallback!;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got '${text}'`);
  }
  return value;
}

/** 'true' or 'false', 'false' when unset. */
export function flag(env: Env, name: string): boolean {
  const text = optional(env, name) ?? 'false';
  if (text !== 'true' && text !== 'false') throw new Error(`${name} must be 'true' or 'false', got '${text}'`);
  return text === 'true';
}

/**
 * The database sign-in the construct wrote (the same variables for every job): an IAM user, or else a
 * secret. `job` names who would have none, in the error.
 */
export function databaseCredentials(env: Env, job: string): DatabaseCredentials {
  const iamUser = optional(env, V.databaseIamUser);
  if (iamUser !== undefined) return { kind: 'iam', user: iamUser, region: required(env, 'AWS_REGION') };
  const secretArn = optional(env, V.databaseSecretArn);
  if (secretArn !== undefined) return { kind: 'secret', secretArn };
  throw new Error(`${V.databaseSecretArn} or ${V.databaseIamUser} must be set: ${job} has no database credentials`);
}
