/**
 * The processor's two contracts without any store (unit tests, part of `npx projen test`): the
 * environment variables the TransactionProcessor construct sets, read by the handler's own
 * `readConfig` from the template the construct synthesizes, and the record schema producers follow.
 * The data path itself is proven against real stores in transaction-processor.processor.ts.
 */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readConfig } from '../../handlers/transaction-processor/config';
import { isRejected, parseRecord } from '../../handlers/transaction-processor/transaction';
import { CacheAccess, DatabaseAuthentication, LgpdDataPipelineProps, TransactionProcessorOptions } from '../../src';
import { kinesisRecord } from '../../support/processor-harness/events';
import { build } from '../util';

/**
 * A function's environment as Lambda would see it: the synthesized Variables with each
 * CloudFormation intrinsic replaced by a stand-in that names it (`<PipelineDatabase...:Endpoint.Address>`),
 * the port attributes by a port and a queue's `Ref` (its URL) by a URL that ends in its logical id,
 * plus the AWS_REGION Lambda sets.
 */
function deployedEnvironment(options: TransactionProcessorOptions = {}, props: Partial<LgpdDataPipelineProps> = {}, functionName = 'lgpd-processor-dev-processor') {
  const { stack, pipeline } = build({ environmentSuffix: 'dev', ...props });
  pipeline.addProcessor('Processor', options);
  const template = Template.fromStack(stack);
  const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName } }));
  const variables = stack.resolve(fn.Properties.Environment.Variables) as Record<string, unknown>;
  const standIn = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const json = JSON.stringify(value);
    const ref = (value as { Ref?: string }).Ref;
    if (ref !== undefined && queues.includes(ref)) return `https://sqs.sa-east-1.amazonaws.com/123456789012/${ref}`;
    return /Port"\]\}$/.test(json) ? '6380' : `<${json.replace(/[{}"[\]]/g, '').replace(/,/g, ':')}>`;
  };
  return { AWS_REGION: 'sa-east-1', ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, standIn(v)])) };
}

const QUEUE_URL = expect.stringMatching(/^https:\/\/sqs\.sa-east-1\.amazonaws\.com\/123456789012\//);

describe('the environment the construct sets, read by the handler', () => {
  test('the defaults: its own role with IAM, its own cache user, the pipeline\'s ports, cluster mode off, a one-day TTL', () => {
    expect(readConfig(deployedEnvironment())).toEqual({
      database: {
        host: '<Fn::GetAtt:PipelineDatabase0EE08539:Endpoint.Address>',
        port: 5433,
        database: 'transactions',
        credentials: { kind: 'iam', user: 'lgpd_processor', region: 'sa-east-1' },
        table: 'transactions',
      },
      cache: {
        host: '<Fn::GetAtt:PipelineCacheD3E320C9:PrimaryEndPoint.Address>',
        port: 6380,
        user: 'lgpd-processor',
        authSecretArn: '<Ref:PipelineCacheUsersProcessorPassword20A03562>',
        clusterMode: false,
        ttlSeconds: 86_400,
      },
      queues: { quarantineUrl: expect.stringMatching(/\/PipelineProcessorQuarantine[0-9A-F]{8}$/), failedRecordsUrl: undefined },
      // The subject key, with which the processor names each customer by its keyed hash (data-subject rights).
      subjects: { keySecretArn: '<Ref:PipelineSubjectKey3505E948>', pipeline: 'dev' },
    });
  });

  test('the redrive function gets the processor\'s environment and the failed-records queue', () => {
    const processor = readConfig(deployedEnvironment());
    const redrive = readConfig(deployedEnvironment({}, {}, 'lgpd-redrive-dev-processor'));
    expect(redrive).toEqual({ ...processor, queues: { quarantineUrl: processor.queues.quarantineUrl, failedRecordsUrl: QUEUE_URL } });
    expect(redrive.queues.failedRecordsUrl).toMatch(/\/PipelineProcessorFailedRecords[0-9A-F]{8}$/);
  });

  test('its own rotated secret, the AUTH token, cluster mode, another database port and TTL reach the handler', () => {
    const config = readConfig(deployedEnvironment(
      { databaseAuthentication: DatabaseAuthentication.rotatedSecret(), cacheTtl: Duration.hours(2) },
      { cacheNodeGroups: 2, database: { port: 6432 }, cacheAccess: CacheAccess.AUTH_TOKEN },
    ));
    expect(config.database).toMatchObject({ port: 6432, credentials: { kind: 'secret', secretArn: expect.stringMatching(/^<Ref:PipelineDatabaseSchemaLgpdProcessorSecretAttachment/) } });
    expect(config.cache).toEqual({
      host: '<Fn::GetAtt:PipelineCacheD3E320C9:ConfigurationEndPoint.Address>',
      port: 6380,
      authSecretArn: '<Ref:PipelineCacheAuthToken10294514>',
      clusterMode: true,
      ttlSeconds: 7200,
    });
  });
});

const MINIMAL = {
  DB_HOST: 'db.example',
  DB_PORT: '5433',
  DB_NAME: 'pipeline',
  DB_SECRET_ARN: 'arn:aws:secretsmanager:sa-east-1:123456789012:secret:db-AbCdEf',
  CACHE_HOST: 'cache.example',
  CACHE_PORT: '6380',
  CACHE_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:sa-east-1:123456789012:secret:auth-AbCdEf',
  QUARANTINE_QUEUE_URL: 'https://sqs.sa-east-1.amazonaws.com/123456789012/lgpd-processor-dev-processor-quarantine',
  SUBJECT_KEY_SECRET_ARN: 'arn:aws:secretsmanager:sa-east-1:123456789012:secret:subject-key-AbCdEf',
  LGPD_PIPELINE: 'dev',
};

describe('environment variables the handler refuses', () => {
  test('a schema-qualified TRANSACTIONS_TABLE is accepted', () => {
    expect(readConfig({ ...MINIMAL, TRANSACTIONS_TABLE: 'lgpd.transactions' }).database.table).toBe('lgpd.transactions');
  });

  test.each([
    ['DB_HOST is unset', { DB_HOST: undefined }, 'DB_HOST must be set'],
    ['DB_PORT is unset', { DB_PORT: undefined }, 'DB_PORT must be set'],
    ['DB_NAME is empty', { DB_NAME: '' }, 'DB_NAME must be set'],
    ['DB_SECRET_ARN is unset', { DB_SECRET_ARN: undefined }, 'DB_SECRET_ARN or DB_IAM_USER must be set: the processor has no database credentials'],
    ['DB_IAM_USER is set without AWS_REGION', { DB_IAM_USER: 'processor' }, 'AWS_REGION must be set'],
    ['CACHE_HOST is unset', { CACHE_HOST: undefined }, 'CACHE_HOST must be set'],
    ['CACHE_PORT is unset', { CACHE_PORT: undefined }, 'CACHE_PORT must be set'],
    ['CACHE_AUTH_SECRET_ARN is unset', { CACHE_AUTH_SECRET_ARN: undefined }, 'CACHE_AUTH_SECRET_ARN must be set'],
    ["DB_PORT is '0'", { DB_PORT: '0' }, "DB_PORT must be an integer between 1 and 65535, got '0'"],
    ["CACHE_PORT is '6379.5'", { CACHE_PORT: '6379.5' }, "CACHE_PORT must be an integer between 1 and 65535, got '6379.5'"],
    ["CACHE_TTL_SECONDS is '-1'", { CACHE_TTL_SECONDS: '-1' }, "CACHE_TTL_SECONDS must be an integer between 1 and 31536000, got '-1'"],
    ["CACHE_CLUSTER_MODE is 'TRUE'", { CACHE_CLUSTER_MODE: 'TRUE' }, "CACHE_CLUSTER_MODE must be 'true' or 'false', got 'TRUE'"],
    ["TRANSACTIONS_TABLE is 'Transactions'", { TRANSACTIONS_TABLE: 'Transactions' }, "TRANSACTIONS_TABLE must be a lower-case identifier, optionally schema-qualified (schema.table), got 'Transactions'"],
    ["TRANSACTIONS_TABLE is 'a.b.c'", { TRANSACTIONS_TABLE: 'a.b.c' }, "TRANSACTIONS_TABLE must be a lower-case identifier, optionally schema-qualified (schema.table), got 'a.b.c'"],
    ['QUARANTINE_QUEUE_URL is unset', { QUARANTINE_QUEUE_URL: undefined }, 'QUARANTINE_QUEUE_URL must be set'],
    ['QUARANTINE_QUEUE_URL is a queue ARN', { QUARANTINE_QUEUE_URL: 'arn:aws:sqs:sa-east-1:123456789012:q' },
      "QUARANTINE_QUEUE_URL must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>), got 'arn:aws:sqs:sa-east-1:123456789012:q'"],
    ['FAILED_RECORDS_QUEUE_URL is a queue name', { FAILED_RECORDS_QUEUE_URL: 'failed' },
      "FAILED_RECORDS_QUEUE_URL must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>), got 'failed'"],
    ["TRANSACTIONS_TABLE is 'x; DROP TABLE y'", { TRANSACTIONS_TABLE: 'x; DROP TABLE y' }, "TRANSACTIONS_TABLE must be a lower-case identifier, optionally schema-qualified (schema.table), got 'x; DROP TABLE y'"],
  ])('fails when %s', (_, change, message) => {
    expect(() => readConfig({ ...MINIMAL, ...change })).toThrow(message);
  });
});

describe('the transaction schema', () => {
  const base = { transactionId: 'tx-1', customerId: 'c-1', amount: '10.50', currency: 'BRL', timestamp: '2026-03-01T10:00:00-03:00' };
  const parse = (payload: unknown) => parseRecord(kinesisRecord(JSON.stringify(payload)));

  test.each([
    ['a string amount', { amount: '10.5' }, '10.5'],
    ['a number amount', { amount: 10.5 }, '10.5'],
    ['a negative amount (refund)', { amount: '-0.99' }, '-0.99'],
    ['an integer amount', { amount: 1200 }, '1200'],
    ['13 integer digits', { amount: '9999999999999.99' }, '9999999999999.99'],
    ['microseconds and Z', { timestamp: '2026-03-01T13:00:00.123456Z' }, '10.50'],
    ['a leap day', { timestamp: '2028-02-29T00:00:00+00:00' }, '10.50'],
    ['a UUID id', { transactionId: '0b6f1c5e-8a2d-4c1e-9f57-3d2a1b0c9e8f' }, '10.50'],
  ])('accepts %s', (_, change, amount) => {
    const parsed = parse({ ...base, ...change });
    expect(isRejected(parsed)).toBe(false);
    expect(parsed).toMatchObject({ ...base, ...change, amount });
  });

  test.each([
    ['three decimals', { amount: '1.001' }],
    ['a float that is not 2 decimals', { amount: 0.1 + 0.2 }],
    ['an exponent', { amount: '1e3' }],
    ['14 integer digits', { amount: '10000000000000' }],
    ['a leading zero', { amount: '01.00' }],
    ['a plus sign', { amount: '+1.00' }],
    ['a boolean amount', { amount: true }],
    ['an unknown currency', { currency: 'ABC' }],
    ['a lower-case currency', { currency: 'brl' }],
    ['a 29 February outside a leap year', { timestamp: '2027-02-29T00:00:00Z' }],
    ['no offset', { timestamp: '2026-03-01T10:00:00' }],
    ['a date only', { timestamp: '2026-03-01' }],
    ['a space for T', { timestamp: '2026-03-01 10:00:00Z' }],
    ['nanoseconds', { timestamp: '2026-03-01T10:00:00.123456789Z' }],
    ['a leap second', { timestamp: '2026-06-30T23:59:60Z' }],
    ['an empty id', { transactionId: '' }],
    ['an id of 65 characters', { transactionId: 'x'.repeat(65) }],
    ['a customer id with a hash tag', { customerId: 'c{1}' }],
    ['a customer id with a space', { customerId: 'Maria Silva' }],
    ['an extra field', { cpf: '123.456.789-09' }],
  ])('rejects %s, naming the field, never the value', (_, change) => {
    const parsed = parse({ ...base, ...change });
    expect(isRejected(parsed)).toBe(true);
    const reason = isRejected(parsed) ? parsed.reason : '';
    const field = Object.keys(change)[0];
    expect(reason).toMatch(field === 'cpf' ? /^schema: record must NOT have additional properties/ : new RegExp(`^schema: record/${field} `));
    const value = String(Object.values(change)[0]);
    if (value !== '') expect(reason).not.toContain(value);
  });

  test.each([
    ['not JSON', kinesisRecord('{"transactionId":'), 'not JSON'],
    ['not UTF-8', kinesisRecord(Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), 'not UTF-8'],
    ['a JSON array', kinesisRecord('[]'), 'schema: record must be object'],
    ['JSON null', kinesisRecord('null'), 'schema: record must be object'],
  ])('rejects %s', (_, record, reason) => {
    expect(parseRecord(record)).toEqual({ sequenceNumber: record.kinesis.sequenceNumber, reason });
  });

  test('a rejected record is reported by its sequence number, and a valid one keeps its shard and sequence number', () => {
    const record = kinesisRecord(JSON.stringify(base));
    expect(parseRecord(record)).toEqual({ ...base, shardId: 'shardId-000000000000', sequenceNumber: record.kinesis.sequenceNumber });
  });
});
