import { Duration, Token } from 'aws-cdk-lib';
import { checkDays, fail } from '../private/validation';

/**
 * What an erasure request does to the subject's data. Either way the subject is fenced (their records
 * are never stored again) and their cache entries and exports are deleted.
 */
export class ErasureMode {
  /** Delete the subject's transactions (LGPD Art. 18 VI). */
  public static readonly DELETE = new ErasureMode('DELETE');

  /**
   * Where a law requires keeping the data (tax records, for example), block and minimize instead of
   * deleting (Art. 16 I, Art. 18 IV and §4 ... the storage the law requires): the subject's transactions
   * keep only the transaction id, amount, currency and time, under the subject's keyed hash instead of
   * the customer id, in a table only the rights job reads, until `retention` has passed; then they are
   * deleted. Every answer quotes `legalBasis`.
   *
   * @param legalBasis the law or obligation, as the answer quotes it (for example `CTN art. 173 (tax records, 5 years)`)
   * @param retention how long the minimized rows are kept, in whole days, 1 day to 20 years
   */
  public static retainMinimized(legalBasis: string, retention: Duration): ErasureMode {
    if (!Token.isUnresolved(legalBasis) && (legalBasis.trim().length < 3 || legalBasis.length > 300)) {
      fail('rights.erasure legalBasis', legalBasis, 'must state the legal basis in 3 to 300 characters');
    }
    checkDays('rights.erasure retention', retention, 1, 7300);
    return new ErasureMode('RETAIN_MINIMIZED', legalBasis, retention);
  }

  private constructor(
    /** `DELETE` or `RETAIN_MINIMIZED`. */
    public readonly mode: string,
    /** The legal basis of keeping minimized rows. */
    public readonly legalBasis?: string,
    /** How long minimized rows are kept. */
    public readonly retention?: Duration,
  ) {}
}

/**
 * Options of data-subject rights: `pipeline.addDataSubjectRights(id, options)`. The declaration fields
 * (controller, origin, purposes, criteria, recipients) go into every access export, as LGPD Art. 19 II
 * asks of the complete answer. Every value is checked at synth time.
 */
export interface DataSubjectRightsOptions {
  /**
   * The controller the answers speak for (Art. 19 II, Art. 41): its name and how to reach its data
   * protection officer.
   *
   * @default - "the controller that deployed this pipeline": set it
   */
  readonly controller?: string;

  /**
   * Where the subject's data comes from (Art. 19 II, origin).
   *
   * @default - "transactions sent to the pipeline's stream by the controller's own systems"
   */
  readonly dataOrigin?: string;

  /**
   * Why the data is processed (Art. 19 II, purpose; Art. 6 I).
   *
   * @default - ["processing the customer's transactions"]
   */
  readonly purposes?: string[];

  /**
   * The criteria used in the processing (Art. 19 II).
   *
   * @default - "each transaction is stored as received; the cache keeps the customer's latest transaction"
   */
  readonly processingCriteria?: string;

  /**
   * Who the data is shared with (Art. 18 VII, Art. 19 II).
   *
   * @default - [] (shared with no one)
   */
  readonly recipients?: string[];

  /**
   * How long the controller has to answer an ACCESS or ERASE request, from its receipt: 1 to 15 days
   * (Art. 19 II gives at most 15).
   *
   * @default Duration.days(15)
   */
  readonly dueIn?: Duration;

  /**
   * How long before a request's due date its alarm goes off (and the workflow of the request gives up,
   * so that its failure is seen in time): at least 1 hour, less than `dueIn`.
   *
   * @default Duration.days(3)
   */
  readonly dueWarning?: Duration;

  /**
   * How long an access export stays in the export bucket before its lifecycle deletes it: 1 to 90 days.
   *
   * @default Duration.days(7)
   */
  readonly exportExpiration?: Duration;

  /**
   * What an erasure does to the subject's transactions.
   *
   * @default ErasureMode.DELETE
   */
  readonly erasure?: ErasureMode;
}

/** The options with their defaults, checked. */
export interface ResolvedRightsOptions {
  readonly declaration: { controller: string; origin: string; purposes: string[]; criteria: string; recipients: string[] };
  readonly dueIn: Duration;
  readonly dueWarning: Duration;
  readonly exportExpiration: Duration;
  readonly erasure: ErasureMode;
}

/** The declaration's text goes into the functions' environment (4 KB in all, with the rest). */
const DECLARATION_LIMIT = 2000;

/** Fails on an option out of range, naming it with its `rights.` prefix; returns the options with their defaults. */
export function resolveRightsOptions(options: DataSubjectRightsOptions): ResolvedRightsOptions {
  checkDays('rights.dueIn', options.dueIn, 1, 15);
  checkDays('rights.exportExpiration', options.exportExpiration, 1, 90);
  const dueIn = options.dueIn ?? Duration.days(15);
  const dueWarning = options.dueWarning ?? Duration.days(3);
  if (!dueWarning.isUnresolved() && !dueIn.isUnresolved()
    && (dueWarning.toSeconds() < 3600 || dueWarning.toSeconds() >= dueIn.toSeconds() || !Number.isInteger(dueWarning.toSeconds()))) {
    fail('rights.dueWarning', dueWarning, `must be a whole number of seconds from 1 hour to less than rights.dueIn (${dueIn})`);
  }
  const declaration = {
    controller: options.controller ?? 'the controller that deployed this pipeline',
    origin: options.dataOrigin ?? 'transactions sent to the pipeline\'s stream by the controller\'s own systems',
    purposes: options.purposes ?? ['processing the customer\'s transactions'],
    criteria: options.processingCriteria ?? 'each transaction is stored as received; the cache keeps the customer\'s latest transaction',
    recipients: options.recipients ?? [],
  };
  const texts = { controller: declaration.controller, dataOrigin: declaration.origin, processingCriteria: declaration.criteria };
  for (const [prop, value] of Object.entries(texts)) {
    if (Token.isUnresolved(value) || value.trim() === '') fail(`rights.${prop}`, value, 'must be literal, non-empty text (it goes into every access export)');
  }
  for (const [prop, list] of Object.entries({ purposes: declaration.purposes, recipients: declaration.recipients })) {
    if (list.some(v => Token.isUnresolved(v) || v.trim() === '')) fail(`rights.${prop}`, list, 'must be literal, non-empty texts');
  }
  if (declaration.purposes.length === 0) fail('rights.purposes', declaration.purposes, 'must name at least one purpose (Art. 6 I)');
  const size = JSON.stringify(declaration).length;
  if (size > DECLARATION_LIMIT) {
    fail('rights declaration (controller, dataOrigin, purposes, processingCriteria, recipients)', `${size} characters`,
      `must be at most ${DECLARATION_LIMIT} characters in all: it is part of the functions' environment, which Lambda limits to 4 KB`);
  }
  const exportExpiration = options.exportExpiration ?? Duration.days(7);
  return { declaration, dueIn, dueWarning, exportExpiration, erasure: options.erasure ?? ErasureMode.DELETE };
}
