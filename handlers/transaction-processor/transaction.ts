import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { KinesisStreamRecord } from 'aws-lambda';
import schema from './transaction.schema.json';

/** A record's payload once it has passed `transaction.schema.json`. */
export interface Transaction {
  readonly transactionId: string;
  readonly customerId: string;
  /** The amount as a decimal string ('19.9', '-5', '1200.00'). */
  readonly amount: string;
  readonly currency: string;
  readonly timestamp: string;
}

/** A valid transaction and where it came from on the stream. */
export interface IncomingTransaction extends Transaction {
  readonly shardId: string;
  readonly sequenceNumber: string;
}

/** A record that is not a valid transaction, and why (never its content: it may be personal data). */
export interface RejectedRecord {
  readonly sequenceNumber: string;
  readonly reason: string;
}

const AMOUNT_TEXT = /^-?(0|[1-9][0-9]{0,12})(\.[0-9]{1,2})?$/;

// The currencies Node's ICU data knows (Intl, ECMA-402): the ISO 4217 list, maintained upstream.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const ajv = new Ajv2020({ allErrors: false, strict: true });
addFormats(ajv, ['date-time']);
ajv.addFormat('iso-4217', { type: 'string', validate: (code: string) => CURRENCIES.has(code) });
// A JSON number with at most 2 decimals: its shortest round-trip text (String(n)) must read as one.
ajv.addFormat('decimal-2', { type: 'number', validate: (n: number) => Number.isFinite(n) && AMOUNT_TEXT.test(String(n)) });
const validate = ajv.compile<{ [K in keyof Transaction]: K extends 'amount' ? string | number : string }>(schema);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and validates one Kinesis record: base64, then strict UTF-8, then JSON, then the schema.
 * Returns the transaction, or the reason it was rejected.
 */
export function parseRecord(record: KinesisStreamRecord): IncomingTransaction | RejectedRecord {
  const sequenceNumber = record.kinesis.sequenceNumber;
  let payload: unknown;
  try {
    payload = JSON.parse(utf8.decode(Buffer.from(record.kinesis.data, 'base64')));
  } catch (e) {
    return { sequenceNumber, reason: e instanceof SyntaxError ? 'not JSON' : 'not UTF-8' };
  }
  if (!validate(payload)) {
    // ajv's messages name the field and the rule, never the value.
    return { sequenceNumber, reason: `schema: ${ajv.errorsText(validate.errors, { dataVar: 'record' })}` };
  }
  return {
    transactionId: payload.transactionId,
    customerId: payload.customerId,
    amount: String(payload.amount),
    currency: payload.currency,
    timestamp: payload.timestamp,
    // eventID is "<shard id>:<sequence number>".
    shardId: record.eventID.split(':')[0],
    sequenceNumber,
  };
}

/** Whether `parseRecord` rejected the record. */
export function isRejected(r: IncomingTransaction | RejectedRecord): r is RejectedRecord {
  return 'reason' in r;
}
