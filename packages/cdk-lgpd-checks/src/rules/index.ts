/**
 * Every rule of {@link LgpdChecks}, one file each. Loaded by `LgpdChecks` when it is constructed, not when
 * the library is imported: the rules load aws-cdk-lib's S3 and DynamoDB modules, which an app that
 * only builds a pipeline should not pay for at every synth (docs/performance.md).
 */
export { default as AlarmActionDeliverable } from './cloudwatch/AlarmActionDeliverable';
export { default as PersonalDataStoreAlarmed } from './cloudwatch/PersonalDataStoreAlarmed';
export { default as DynamoDBBoundedRetention } from './dynamodb/DynamoDBBoundedRetention';
export { default as DynamoDBCustomerManagedKey } from './dynamodb/DynamoDBCustomerManagedKey';
export { default as ElastiCacheCustomerManagedKey } from './elasticache/ElastiCacheCustomerManagedKey';
export { default as ElastiCacheTransitEncryptionRequired } from './elasticache/ElastiCacheTransitEncryptionRequired';
export { default as PersonalDataErasurePath } from './general/PersonalDataErasurePath';
export { personalDataInAllowedRegions } from './general/PersonalDataInAllowedRegions';
export { default as ComputeRoleNoRDSMasterSecret } from './iam/ComputeRoleNoRDSMasterSecret';
export { default as KinesisStreamCustomerManagedKey } from './kinesis/KinesisStreamCustomerManagedKey';
export { default as StreamConsumerFailedRecordsEncrypted } from './lambda/StreamConsumerFailedRecordsEncrypted';
export { default as LogGroupBoundedRetention } from './logs/LogGroupBoundedRetention';
export { default as LogGroupCustomerManagedKey } from './logs/LogGroupCustomerManagedKey';
export { default as RDSAuditLogsExported } from './rds/RDSAuditLogsExported';
export { default as RDSStorageCustomerManagedKey } from './rds/RDSStorageCustomerManagedKey';
export { default as RDSTransportEncryptionEnforced } from './rds/RDSTransportEncryptionEnforced';
export { default as S3BoundedRetention } from './s3/S3BoundedRetention';
export { default as S3CustomerManagedKey } from './s3/S3CustomerManagedKey';
export { default as S3TransportEncryptionEnforced } from './s3/S3TransportEncryptionEnforced';
export { default as SecretCustomerManagedKey } from './secretsmanager/SecretCustomerManagedKey';
export { default as SQSCustomerManagedKey } from './sqs/SQSCustomerManagedKey';
export { default as SQSTransportEncryptionEnforced } from './sqs/SQSTransportEncryptionEnforced';
export { default as VPCFlowLogsAllTraffic } from './vpc/VPCFlowLogsAllTraffic';
