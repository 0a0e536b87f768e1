/**
 * The processor's two contracts without any store (unit tests, part of `npx projen test`): the
 * environment variables the TransactionProcessor construct sets, and the record schema producers
 * follow. The data path itself is proven against real stores in transaction-processor.processor.ts.
 */
import { kinesisRecord } from './harness/events';
import { readConfig } from '../../handlers/transaction-processor/config';
import { isRejected, parseRecord } from '../../handlers/transaction-processor/transaction';

const MINIMAL = {
  DB_HOST: 'db.example',
  DB_NAME: 'pipeline',
  DB_SECRET_ARN: 'arn:aws:secretsmanager:sa-east-1:123456789012:secret:db-AbCdEf',
  CACHE_HOST: 'cache.example',
  CACHE_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:sa-east-1:123456789012:secret:auth-AbCdEf',
};

describe('environment variables', () => {
  test('the minimal set gives the documented defaults', () => {
    expect(readConfig(MINIMAL)).toEqual({
      database: {
        host: 'db.example',
        port: 5432,
        database: 'pipeline',
        credentials: { kind: 'secret', secretArn: MINIMAL.DB_SECRET_ARN },
        table: 'transactions',
      },
      cache: {
        host: 'cache.example',
        port: 6379,
        authSecretArn: MINIMAL.CACHE_AUTH_SECRET_ARN,
        clusterMode: false,
        ttlSeconds: 86_400,
      },
    });
  });

  test('DB_IAM_USER selects IAM database authentication in AWS_REGION, over DB_SECRET_ARN', () => {
    expect(readConfig({ ...MINIMAL, DB_IAM_USER: 'processor', AWS_REGION: 'sa-east-1' }).database.credentials)
      .toEqual({ kind: 'iam', user: 'processor', region: 'sa-east-1' });
  });

  test('every variable is read: ports, cluster mode, TTL, schema-qualified table', () => {
    const config = readConfig({
      ...MINIMAL, DB_PORT: '5433', CACHE_PORT: '6380', CACHE_CLUSTER_MODE: 'true', CACHE_TTL_SECONDS: '60', TRANSACTIONS_TABLE: 'lgpd.transactions',
    });
    expect(config.database).toMatchObject({ port: 5433, table: 'lgpd.transactions' });
    expect(config.cache).toMatchObject({ port: 6380, clusterMode: true, ttlSeconds: 60 });
  });

  test.each([
    ['DB_HOST is unset', { DB_HOST: undefined }, 'DB_HOST must be set'],
    ['DB_NAME is empty', { DB_NAME: '' }, 'DB_NAME must be set'],
    ['DB_SECRET_ARN is unset', { DB_SECRET_ARN: undefined }, 'DB_SECRET_ARN or DB_IAM_USER must be set: the processor has no database credentials'],
    ['DB_IAM_USER is set without AWS_REGION', { DB_IAM_USER: 'processor' }, 'AWS_REGION must be set'],
    ['CACHE_HOST is unset', { CACHE_HOST: undefined }, 'CACHE_HOST must be set'],
    ['CACHE_AUTH_SECRET_ARN is unset', { CACHE_AUTH_SECRET_ARN: undefined }, 'CACHE_AUTH_SECRET_ARN must be set'],
    ["DB_PORT is '0'", { DB_PORT: '0' }, "DB_PORT must be an integer between 1 and 65535, got '0'"],
    ["CACHE_PORT is '6379.5'", { CACHE_PORT: '6379.5' }, "CACHE_PORT must be an integer between 1 and 65535, got '6379.5'"],
    ["CACHE_TTL_SECONDS is '-1'", { CACHE_TTL_SECONDS: '-1' }, "CACHE_TTL_SECONDS must be an integer between 1 and 31536000, got '-1'"],
    ["CACHE_CLUSTER_MODE is 'TRUE'", { CACHE_CLUSTER_MODE: 'TRUE' }, "CACHE_CLUSTER_MODE must be 'true' or 'false', got 'TRUE'"],
    ["TRANSACTIONS_TABLE is 'Transactions'", { TRANSACTIONS_TABLE: 'Transactions' }, "TRANSACTIONS_TABLE must be a lower-case identifier, optionally schema-qualified (schema.table), got 'Transactions'"],
    ["TRANSACTIONS_TABLE is 'a.b.c'", { TRANSACTIONS_TABLE: 'a.b.c' }, "TRANSACTIONS_TABLE must be a lower-case identifier, optionally schema-qualified (schema.table), got 'a.b.c'"],
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
