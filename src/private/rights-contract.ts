/**
 * The contract between the DataSubjectRights construct and its handlers (handlers/rights-requests.ts,
 * handlers/rights-worker.ts): environment variables, the workflow's steps, the metrics and the shapes of
 * the JSON settings, each named once here. The construct writes the variables with `rightsEnvironment`,
 * the handlers read them through `RIGHTS_VARIABLES` (handlers/data-subject-rights/config.ts), and
 * docs/data-subject-rights.md describes them. The stores' variables are the processor's
 * (processor-contract.ts), the subject key's is subject-contract.ts's.
 *
 * The handlers' bundles include this file: it imports nothing.
 */

/** The rights-specific settings; every value is a string (a CDK token at synth time). */
export interface RightsSettings {
  /** The workflow (Step Functions state machine) the request function starts. */
  readonly stateMachineArn?: string;
  /** The bucket of access exports. */
  readonly exportBucket?: string;
  /** Days an export is kept before the bucket's lifecycle deletes it. */
  readonly exportExpirationDays?: string;
  /** Seconds from receipt to a request's due date. */
  readonly dueSeconds?: string;
  /** Seconds before the due date from which an open request is reported as near due. */
  readonly dueWarningSeconds?: string;
  /** Seconds a cache tombstone lives: more than a record can take to reach the processor. */
  readonly tombstoneTtlSeconds?: string;
  /** What erasure does: `ErasureSetting` as JSON. */
  readonly erasure?: string;
  /** The declaration of Art. 19 II: `DeclarationSetting` as JSON. */
  readonly declaration?: string;
  /** The copies the stores' own retention removes: `ResidualCopySetting[]` as JSON. */
  readonly residualCopies?: string;
}

/** The environment variable of each setting. */
export const RIGHTS_VARIABLES: { readonly [K in keyof RightsSettings]-?: string } = {
  stateMachineArn: 'RIGHTS_STATE_MACHINE_ARN',
  exportBucket: 'RIGHTS_EXPORT_BUCKET',
  exportExpirationDays: 'RIGHTS_EXPORT_EXPIRATION_DAYS',
  dueSeconds: 'RIGHTS_DUE_SECONDS',
  dueWarningSeconds: 'RIGHTS_DUE_WARNING_SECONDS',
  tombstoneTtlSeconds: 'RIGHTS_TOMBSTONE_TTL_SECONDS',
  erasure: 'RIGHTS_ERASURE',
  declaration: 'RIGHTS_DECLARATION',
  residualCopies: 'RIGHTS_RESIDUAL_COPIES',
};

/** The environment variables of `settings`, in the order of `RIGHTS_VARIABLES`; unset ones left out. */
export function rightsEnvironment(settings: RightsSettings): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [setting, variable] of Object.entries(RIGHTS_VARIABLES) as Array<[keyof RightsSettings, string]>) {
    const value = settings[setting];
    if (value !== undefined) environment[variable] = value;
  }
  return environment;
}

/** `RIGHTS_ERASURE`: delete the subject's data, or keep it minimized and blocked for a legal basis. */
export interface ErasureSetting {
  readonly mode: 'DELETE' | 'RETAIN_MINIMIZED';
  /** With RETAIN_MINIMIZED: the legal basis, quoted in every answer. */
  readonly legalBasis?: string;
  /** With RETAIN_MINIMIZED: how long the minimized rows are kept, in days. */
  readonly retainDays?: number;
}

/** `RIGHTS_DECLARATION`: what Art. 19 II asks the complete answer to state. */
export interface DeclarationSetting {
  readonly controller: string;
  readonly origin: string;
  readonly purposes: string[];
  readonly criteria: string;
  readonly recipients: string[];
}

/** One entry of `RIGHTS_RESIDUAL_COPIES`: a copy the erasure cannot reach and its store's retention removes. */
export interface ResidualCopySetting {
  /** What it is: `stream`, `database-backups`, `cache-snapshots`, `log-group`, `export-bucket`, ... */
  readonly copy: string;
  /** Where: a stream name, an instance, a log group name. */
  readonly location: string;
  /** How long the store keeps it after the erasure, in seconds. */
  readonly retentionSeconds: number;
}

/** What the workflow asks the worker to do: `{ requestId, step }` is the whole event. */
export const RIGHTS_STEPS = {
  /** ERASE: write the tombstones, in PostgreSQL and in the cache, before anything is destroyed. */
  fence: 'fence',
  /** ERASE: delete (or minimize and block) the subject's rows, cache keys and earlier exports. */
  erase: 'erase',
  /** ERASE, after the processor's in-flight batches: delete again, verify both stores, answer. */
  sweep: 'sweep',
  /** ACCESS: write the export and answer. */
  export: 'export',
  /** Either: the workflow gave up; the request is marked failed. */
  fail: 'fail',
  /** Scheduled: report requests near or past their due date, check the audit chain, purge expired retained rows. */
  deadlines: 'deadlines',
} as const;

/** The request id's prefix per type: the workflow tells an erasure from an access by it. */
export const REQUEST_ID_PREFIX = { CONFIRM: 'confirm-', ACCESS: 'access-', ERASE: 'erase-' } as const;

/** Where exports go in the bucket: `exports/<request id>.json`. */
export const EXPORT_PREFIX = 'exports/';

/** The metrics the rights worker publishes (namespace and dimension: subject-contract.ts). */
export const RIGHTS_METRICS = {
  /** Open requests whose due date is less than the warning period away (or past). */
  nearDue: 'RightsRequestsNearDue',
  /** Open requests past their due date. */
  overdue: 'RightsRequestsOverdue',
  /** 1 when the audit record's hash chain is broken, 0 when it holds. */
  auditChainBroken: 'RightsAuditChainBroken',
} as const;

/** The PostgreSQL role of the rights functions (created by migration 0002_data_subject_rights.sql). */
export const RIGHTS_DATABASE_ROLE = 'lgpd_rights';
