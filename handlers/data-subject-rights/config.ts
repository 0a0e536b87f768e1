/**
 * The rights functions' configuration: environment variables only, named in the contracts the
 * DataSubjectRights construct writes them from (src/private/rights-contract.ts for the rights settings,
 * src/private/processor-contract.ts for the stores, src/private/subject-contract.ts for the subject key).
 * Read once per execution environment; a bad value fails every invocation with an error that names the
 * variable and echoes the value (none of them is a secret).
 */
import { PROCESSOR_VARIABLES as P } from '../../src/private/processor-contract';
import { RIGHTS_VARIABLES as R, type DeclarationSetting, type ErasureSetting, type ResidualCopySetting } from '../../src/private/rights-contract';
import { PIPELINE_VARIABLE, SUBJECT_KEY_SECRET_VARIABLE } from '../../src/private/subject-contract';
import { databaseCredentials, flag, integer, optional, required, type DatabaseCredentials, type Env } from '../common/environment';

export interface RightsDatabaseConfig {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly credentials: DatabaseCredentials;
}

export interface RightsCacheConfig {
  readonly host: string;
  readonly port: number;
  /** The rights' own Redis user (ElastiCache RBAC), or none with the AUTH token. */
  readonly user?: string;
  /** The user's password, or the AUTH token. */
  readonly authSecretArn: string;
  readonly clusterMode: boolean;
}

/** What both functions need. */
export interface RightsConfig {
  readonly pipeline: string;
  readonly database: RightsDatabaseConfig;
  readonly cache: RightsCacheConfig;
  readonly dueWarningSeconds: number;
}

/** The request function's settings. */
export interface RequestsConfig extends RightsConfig {
  readonly subjectKeySecretArn: string;
  readonly stateMachineArn: string;
  readonly dueSeconds: number;
  readonly erasure: ErasureSetting;
}

/** The worker's settings. */
export interface WorkerConfig extends RightsConfig {
  readonly exportBucket: string;
  readonly exportExpirationDays: number;
  readonly tombstoneTtlSeconds: number;
  readonly erasure: ErasureSetting;
  readonly declaration: DeclarationSetting;
  readonly residualCopies: ResidualCopySetting[];
}

function common(env: Env): RightsConfig {
  const credentials = databaseCredentials(env, 'the rights function');
  const clusterMode = flag(env, P.cacheClusterMode);
  return {
    pipeline: required(env, PIPELINE_VARIABLE),
    database: {
      host: required(env, P.databaseHost),
      port: integer(env, P.databasePort, 1, 65535),
      database: required(env, P.databaseName),
      credentials,
    },
    cache: {
      host: required(env, P.cacheHost),
      port: integer(env, P.cachePort, 1, 65535),
      user: optional(env, P.cacheUser),
      authSecretArn: required(env, P.cacheAuthSecretArn),
      clusterMode,
    },
    dueWarningSeconds: integer(env, R.dueWarningSeconds, 0, 365 * 86_400),
  };
}

/** Reads and checks the request function's configuration. */
export function readRequestsConfig(env: Env = process.env): RequestsConfig {
  return {
    ...common(env),
    subjectKeySecretArn: required(env, SUBJECT_KEY_SECRET_VARIABLE),
    stateMachineArn: required(env, R.stateMachineArn),
    dueSeconds: integer(env, R.dueSeconds, 86_400, 365 * 86_400),
    erasure: erasure(env),
  };
}

/** Reads and checks the worker's configuration. */
export function readWorkerConfig(env: Env = process.env): WorkerConfig {
  const declaration = json<DeclarationSetting>(env, R.declaration);
  for (const field of ['controller', 'origin', 'criteria'] as const) {
    if (typeof declaration[field] !== 'string' || declaration[field] === '') throw new Error(`${R.declaration} must have a non-empty ${field}`);
  }
  for (const field of ['purposes', 'recipients'] as const) {
    if (!Array.isArray(declaration[field]) || !declaration[field].every(v => typeof v === 'string')) throw new Error(`${R.declaration} must have ${field} as a list of strings`);
  }
  const residualCopies = json<ResidualCopySetting[]>(env, R.residualCopies);
  if (!Array.isArray(residualCopies) || !residualCopies.every(c => typeof c.copy === 'string' && typeof c.location === 'string'
    && Number.isInteger(c.retentionSeconds) && c.retentionSeconds >= 0)) {
    throw new Error(`${R.residualCopies} must be a list of { copy, location, retentionSeconds }`);
  }
  return {
    ...common(env),
    exportBucket: required(env, R.exportBucket),
    exportExpirationDays: integer(env, R.exportExpirationDays, 1, 3650),
    tombstoneTtlSeconds: integer(env, R.tombstoneTtlSeconds, 60, 10 * 365 * 86_400),
    erasure: erasure(env),
    declaration,
    residualCopies,
  };
}

function erasure(env: Env): ErasureSetting {
  const setting = json<ErasureSetting>(env, R.erasure);
  if (setting.mode === 'DELETE') return { mode: 'DELETE' };
  if (setting.mode === 'RETAIN_MINIMIZED' && typeof setting.legalBasis === 'string' && setting.legalBasis !== ''
    && Number.isInteger(setting.retainDays) && setting.retainDays! > 0) {
    return setting;
  }
  throw new Error(`${R.erasure} must be {"mode":"DELETE"} or {"mode":"RETAIN_MINIMIZED","legalBasis":"...","retainDays":N}, got '${env[R.erasure]}'`);
}

function json<T>(env: Env, name: string): T {
  const text = required(env, name);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${name} must be JSON, got '${text}'`);
  }
}
