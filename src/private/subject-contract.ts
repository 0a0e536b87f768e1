/**
 * How the pipeline knows a data subject without naming them, written once for the constructs and the
 * handlers (the transaction processor and the data-subject-rights functions bundle this file: it imports
 * nothing).
 *
 * A subject's keyed hash is HMAC-SHA256 of the customer id with the pipeline's subject key (the
 * SecretString of a generated Secrets Manager secret, as UTF-8 bytes), written as 64 lower-case hex
 * digits. PostgreSQL stores it beside each transaction, the cache keys are named by it, and the
 * tombstones, requests and audit record hold nothing else of the subject.
 */

/** The environment variable that names the subject key's secret (ARN). */
export const SUBJECT_KEY_SECRET_VARIABLE = 'SUBJECT_KEY_SECRET_ARN';

/** A keyed hash as the stores hold it. */
export const SUBJECT_HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The cache keys of one subject. The braces are a hash tag: the three keys share a cluster slot, so the
 * processor's script reads the tombstone and writes the state atomically in cluster mode too.
 */
export function subjectCacheKeys(subjectHash: string): { readonly state: string; readonly transactions: string; readonly tombstone: string } {
  return {
    state: `customer:{${subjectHash}}`,
    transactions: `customer:{${subjectHash}}:transactions`,
    tombstone: `erased:{${subjectHash}}`,
  };
}

/** The key patterns of the subjects' state and of the tombstones (Redis ACL key patterns). */
export const CUSTOMER_KEY_PATTERN = 'customer:*';
export const TOMBSTONE_KEY_PATTERN = 'erased:*';

/**
 * The custom CloudWatch metrics of the pipeline's handlers, published as CloudWatch embedded metric
 * format log lines (no API call, no VPC endpoint): the namespace, and the dimension that names the
 * pipeline (its environment suffix).
 */
export const METRICS_NAMESPACE = 'LgpdDataPipeline';
export const PIPELINE_DIMENSION = 'Pipeline';

/** The processor's count of records it did not store because their subject was erased (the fence). */
export const ERASED_RECORDS_DROPPED_METRIC = 'ErasedRecordsDropped';

/** The environment variable that carries the pipeline's environment suffix (the metrics' dimension value). */
export const PIPELINE_VARIABLE = 'LGPD_PIPELINE';
