/**
 * One JSON line per event on stdout (CloudWatch Logs on Lambda). Only counts, codes, sequence numbers
 * and reasons: never a record's content, which is personal data.
 */
export function log(event: string, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ event, ...fields }));
}
