import { Stage, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as rds from 'aws-cdk-lib/aws-rds';
import { findingsOf } from './util';
import { ERASURE_PATH_TAG as RULE_TAG } from '../../src/rules/general/PersonalDataErasurePath';

const database = (stack: ec2.Vpc['stack'], vpc: ec2.IVpc) => new rds.DatabaseInstance(stack, 'Db', {
  engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }), vpc,
});
const cache = (stack: ec2.Vpc['stack']) => new elasticache.CfnReplicationGroup(stack, 'Cache', {
  replicationGroupDescription: 'cache', engine: 'redis', cacheNodeType: 'cache.t4g.micro', numCacheClusters: 1,
});

describe('PersonalDataErasurePath (Art. 18)', () => {
  test('flags a database and a cache with no erasure path', () => {
    expect(findingsOf('PersonalDataErasurePath', stack => {
      database(stack, new ec2.Vpc(stack, 'Vpc'));
      cache(stack);
    })).toEqual(['LGPD-PersonalDataErasurePath Cache', 'LGPD-PersonalDataErasurePath Db/Resource']);
  });

  test('passes stores tagged with the process that erases a subject from them, directly or through Tags.of', () => {
    expect(findingsOf('PersonalDataErasurePath', stack => {
      const db = database(stack, new ec2.Vpc(stack, 'Vpc'));
      (db.node.defaultChild as rds.CfnDBInstance).tags.setTag(RULE_TAG, 'fastshop-erasure-workflow');
      Tags.of(cache(stack)).add(RULE_TAG, 'fastshop-erasure-workflow');
      // Tags.of adds the tag through an aspect, applied at synth.
      Stage.of(stack)!.synth();
    })).toEqual([]);
  });

  test('flags an empty erasure-path tag', () => {
    expect(findingsOf('PersonalDataErasurePath', stack => cache(stack).tags.setTag(RULE_TAG, ' '))).toEqual(['LGPD-PersonalDataErasurePath Cache']);
  });
});
