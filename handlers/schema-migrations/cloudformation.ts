/**
 * The custom resource function: CloudFormation invokes it (outside the VPC), it invokes the migration
 * function in the application subnets and waits for it, then answers CloudFormation itself, on every
 * path, success or failure, within bounded times.
 *
 * Why two functions: CloudFormation takes the answer at a pre-signed S3 URL, and the application
 * subnets are isolated (no route out, and an S3 gateway endpoint only with PIPELINE_AND_CONTAINERS).
 * The migration function needs the database and Secrets Manager, this one needs the Lambda API and
 * that URL. aws-cdk-lib's provider framework does the same with more functions and a synth-time cost
 * (docs/performance.md); the answer is a few lines, as in src/private/default-security-group-handler.ts.
 */
import { request } from 'node:https';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** The environment variable that names the migration function. */
export const MIGRATION_FUNCTION_VARIABLE = 'MIGRATION_FUNCTION';

/** How long the answer to CloudFormation may take before it counts as failed (Lambda then retries). */
const RESPONSE_TIMEOUT_MS = 20_000;
/** What is kept back from this function's remaining time for the answer. */
const ANSWER_MARGIN_MS = RESPONSE_TIMEOUT_MS + 5_000;
/** CloudFormation shows at most this much of the reason. */
const MAX_REASON = 1_000;

const lambda = new LambdaClient({ maxAttempts: 1 });

export async function onEvent(event: CloudFormationCustomResourceEvent, context?: { getRemainingTimeInMillis?(): number }): Promise<void> {
  const budgetMs = Math.max(5_000, (context?.getRemainingTimeInMillis?.() ?? 360_000) - ANSWER_MARGIN_MS);
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'OK';
  let data: Record<string, string> = {};
  try {
    data = await invokeMigrations(event, budgetMs);
  } catch (e) {
    status = 'FAILED';
    reason = e instanceof Error ? e.message : String(e);
    console.error(JSON.stringify({ event: 'schema-failed', requestType: event.RequestType, reason }));
  }
  await respond(event, status, reason, data);
}

/** Invokes the migration function and returns its result's Data; throws with its error message. */
async function invokeMigrations(event: CloudFormationCustomResourceEvent, budgetMs: number): Promise<Record<string, string>> {
  const functionName = process.env[MIGRATION_FUNCTION_VARIABLE];
  if (!functionName) throw new Error(`${MIGRATION_FUNCTION_VARIABLE} is not set`);
  const payload = {
    RequestType: event.RequestType,
    ResourceProperties: event.ResourceProperties,
    OldResourceProperties: event.RequestType === 'Update' ? event.OldResourceProperties : undefined,
  };
  let out;
  try {
    out = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }),
      { abortSignal: AbortSignal.timeout(budgetMs) });
  } catch (e) {
    const aborted = e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError');
    throw new Error(aborted ? `the migration function ${functionName} did not answer within ${Math.round(budgetMs / 1000)} s`
      : `invoking the migration function ${functionName}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  const body = text === '' ? {} : JSON.parse(text) as { Data?: Record<string, string>; errorMessage?: string };
  if (out.FunctionError) {
    throw new Error(body.errorMessage ?? `the migration function failed (${out.FunctionError})`);
  }
  return body.Data ?? {};
}

/** PUTs the answer to the pre-signed URL; rejects after `timeoutMs` (RESPONSE_TIMEOUT_MS). */
export function respond(event: CloudFormationCustomResourceEvent, status: 'SUCCESS' | 'FAILED', reason: string,
  data: Record<string, string>, timeoutMs = RESPONSE_TIMEOUT_MS): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 3)}...` : reason,
    PhysicalResourceId: 'PhysicalResourceId' in event ? event.PhysicalResourceId : `${event.LogicalResourceId}-schema`,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  const url = new URL(event.ResponseURL);
  return new Promise((resolve, reject) => {
    const req = request({
      hostname: url.hostname,
      port: url.port || undefined,
      path: url.pathname + url.search,
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, res => {
      res.resume();
      res.on('end', () => (res.statusCode !== undefined && res.statusCode < 300 ? resolve()
        : reject(new Error(`CloudFormation's response URL answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error('the response to CloudFormation timed out')));
    req.end(body);
  });
}
