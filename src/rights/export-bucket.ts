import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ILgpdDataPipeline } from '../add-on';
import { EXPORT_PREFIX } from '../private/rights-contract';

/**
 * The bucket of access exports: encrypted with the pipeline key (an S3 Bucket Key, so one KMS call per
 * object rather than per request), TLS only, public access blocked, objects owned by the bucket, and
 * every export deleted by the lifecycle `expiration` after it was written. No versioning, so an erasure's
 * deletion of the subject's exports leaves no older version behind.
 */
export function exportBucket(scope: Construct, pipeline: ILgpdDataPipeline, expiration: Duration): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'Exports', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: pipeline.encryptionKey,
    bucketKeyEnabled: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: false,
    lifecycleRules: [
      { id: 'ExpireExports', prefix: EXPORT_PREFIX, expiration },
      { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    removalPolicy: pipeline.conventions.removalPolicy,
  });
  const versioning = 'Versioning would keep an export after the erasure of its subject deleted it (LGPD Art. 16, Art. 18 VI); an export is re-made on request.';
  const replication = 'Replication would copy personal data to a second bucket, possibly in another Region (LGPD Art. 33); an export is re-made on request.';
  const accessLogs = 'Exports are written by the rights worker and read by the principals granted `grantReadExports`; each export and erasure is in the '
    + 'append-only audit record. Server access logs would be a second copy of who read which subject\'s export, in a bucket of its own; '
    + 'CloudTrail data events are the account-level choice for that.';
  for (const [rule, reason] of [
    ['AwsSolutions-S1', accessLogs], ['HIPAA.Security-S3BucketLoggingEnabled', accessLogs], ['NIST.800.53.R5-S3BucketLoggingEnabled', accessLogs],
    ['PCI.DSS.321-S3BucketLoggingEnabled', accessLogs], ['CKV_AWS_18', accessLogs],
    ['HIPAA.Security-S3BucketVersioningEnabled', versioning], ['NIST.800.53.R5-S3BucketVersioningEnabled', versioning],
    ['PCI.DSS.321-S3BucketVersioningEnabled', versioning], ['CKV_AWS_21', versioning],
    ['HIPAA.Security-S3BucketReplicationEnabled', replication], ['NIST.800.53.R5-S3BucketReplicationEnabled', replication],
    ['PCI.DSS.321-S3BucketReplicationEnabled', replication], ['CKV_AWS_144', replication],
  ]) {
    pipeline.conventions.acknowledge(bucket, rule, reason);
  }
  return bucket;
}
