import { Duration, Token, Tokenization } from 'aws-cdk-lib';

/**
 * Synth-time validation helpers. Every message names the prop, echoes the value and says what is
 * allowed. Values that are CDK tokens (parameters, context) are skipped: CloudFormation checks them.
 */
export function fail(prop: string, value: unknown, allowed: string): never {
  throw new Error(`LgpdDataPipeline: invalid ${prop}: got ${render(value)}; ${allowed}`);
}

/** The value as the user wrote it: strings quoted, durations as `Duration.hours(n)`, tokens as `${Token[...]}`. */
export function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Duration) return value.toString();
  // A number token is a huge negative double; show it the way a string token reads.
  if (typeof value === 'number' && Token.isUnresolved(value)) return `a token (${Tokenization.stringifyNumber(value)})`;
  return String(value);
}

/**
 * Props that decide the shape of the construct tree at synth time (how many subnets, route tables
 * and AZ selections the VPC gets), so they cannot be deploy-time tokens. Every other number is
 * passed through to CloudFormation when it is a token.
 */
const SYNTH_TIME_PROPS: Record<string, string> = {
  azCount: 'it decides how many subnets the VPC has at synth time, so it cannot be a parameter or other token',
};

/** An integer in [min, max]; tokens pass, except for props in SYNTH_TIME_PROPS. */
export function checkInt(prop: string, value: number | undefined, min: number, max: number, why = ''): void {
  if (value === undefined) return;
  if (Token.isUnresolved(value)) {
    const literalOnly = SYNTH_TIME_PROPS[prop];
    if (literalOnly) fail(prop, value, `must be a literal integer from ${min} to ${max}: ${literalOnly}`);
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(prop, value, `must be an integer from ${min} to ${max}${why ? ` (${why})` : ''}`);
  }
}

/** A duration in [min, max] hours; tokens pass. */
export function checkHours(prop: string, value: Duration | undefined, minHours: number, maxHours: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const hours = value.toHours({ integral: false });
  if (!Number.isInteger(hours) || hours < minHours || hours > maxHours) {
    fail(prop, value, `must be a whole number of hours from ${minHours} to ${maxHours} (${maxHours / 24} days)`);
  }
}

/** A duration in [min, max] days; tokens pass. */
export function checkDays(prop: string, value: Duration | undefined, minDays: number, maxDays: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < minDays || days > maxDays) {
    fail(prop, value, `must be a whole number of days from ${minDays} to ${maxDays}`);
  }
}

/** A duration within [min, max] seconds; tokens pass. */
export function checkSeconds(prop: string, value: Duration | undefined, min: number, max: number, why = ''): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    fail(prop, value, `must be a whole number of seconds from ${min} to ${max}${why ? ` (${why})` : ''}`);
  }
}
