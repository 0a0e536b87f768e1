/**
 * The residual-copy statement of an erasure's answer: each copy the erasure cannot reach (the construct
 * lists them with their retention as deployed: src/rights/residual-copies.ts), the date its store's own
 * retention removes it by, and what it may hold meanwhile.
 */
import type { ResidualCopySetting } from '../../src/private/rights-contract';

const NOTES: Record<string, string> = {
  'stream': 'records put on the stream before the erasure stay there until its retention ends; the processor drops them (the subject is fenced)',
  'database-backups': 'automated backups taken before the erasure hold the subject\'s rows until they expire; a database restored from one must have the erasures since its time applied again',
  'cache-snapshots': 'snapshots taken before the erasure hold the subject\'s latest transaction, under its keyed hash, until they expire',
  'log-groups': 'the pipeline\'s functions never log a customer id or a record\'s content (counts, sequence numbers, request ids and keyed hashes only)',
  'quarantine-queue': 'records refused as invalid transactions before the erasure keep their payload until the queue\'s retention ends; a redrive of one after the erasure is dropped (the subject is fenced)',
  'export-bucket': 'the erasure deleted the subject\'s earlier exports; the bucket\'s lifecycle deletes any export after this time',
};

export interface ResidualCopy {
  readonly copy: string;
  readonly location: string;
  readonly removedBy: string;
  readonly note: string;
}

/** The statement for an erasure completed at `at`. */
export function residualCopyStatement(copies: readonly ResidualCopySetting[], at: Date): ResidualCopy[] {
  return copies.map(c => ({
    copy: c.copy,
    location: c.location,
    removedBy: new Date(at.getTime() + c.retentionSeconds * 1000).toISOString(),
    note: NOTES[c.copy] ?? 'removed by its store\'s own retention',
  }));
}
