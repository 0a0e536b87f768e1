import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import { findingsOf } from './util';

const base = { replicationGroupDescription: 'test', engine: 'redis', cacheNodeType: 'cache.t4g.small', numCacheClusters: 2 };

describe('ElastiCacheCustomerManagedKey (Art. 46)', () => {
  test('flags a replication group without at-rest encryption, or with the AWS-managed key; passes a customer key', () => {
    expect(findingsOf('ElastiCacheCustomerManagedKey', stack => {
      new elasticache.CfnReplicationGroup(stack, 'Plain', base);
      new elasticache.CfnReplicationGroup(stack, 'AwsManaged', { ...base, atRestEncryptionEnabled: true });
      new elasticache.CfnReplicationGroup(stack, 'Customer', { ...base, atRestEncryptionEnabled: true, kmsKeyId: new kms.Key(stack, 'Key').keyArn });
    })).toEqual(['LGPD-ElastiCacheCustomerManagedKey AwsManaged', 'LGPD-ElastiCacheCustomerManagedKey Plain']);
  });

  test('flags a stand-alone cache cluster, which cannot be encrypted at rest', () => {
    expect(findingsOf('ElastiCacheCustomerManagedKey', stack => {
      new elasticache.CfnCacheCluster(stack, 'Memcached', { engine: 'memcached', cacheNodeType: 'cache.t4g.small', numCacheNodes: 1 });
    })).toEqual(['LGPD-ElastiCacheCustomerManagedKey Memcached']);
  });
});

describe('ElastiCacheTransitEncryptionRequired (Art. 46, in transit)', () => {
  test('flags no TLS and the preferred mode; passes TLS required', () => {
    expect(findingsOf('ElastiCacheTransitEncryptionRequired', stack => {
      new elasticache.CfnReplicationGroup(stack, 'Plain', base);
      new elasticache.CfnReplicationGroup(stack, 'Preferred', { ...base, transitEncryptionEnabled: true, transitEncryptionMode: 'preferred' });
      new elasticache.CfnReplicationGroup(stack, 'Required', { ...base, transitEncryptionEnabled: true, transitEncryptionMode: 'required' });
    })).toEqual(['LGPD-ElastiCacheTransitEncryptionRequired Plain', 'LGPD-ElastiCacheTransitEncryptionRequired Preferred']);
  });
});
