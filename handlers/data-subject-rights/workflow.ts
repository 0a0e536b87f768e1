/**
 * Starts the rights workflow (Step Functions Standard) for a request: the execution is named after the
 * request id and its input is `{ "requestId": ... }`, nothing else, so its history (kept 90 days) holds
 * no personal data. StartExecution with the same name and input is idempotent. The client reaches Step
 * Functions through the `states` interface endpoint (private DNS); it honours AWS_ENDPOINT_URL_SFN.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

const client = new SFNClient({});

export async function startWorkflow(stateMachineArn: string, requestId: string): Promise<void> {
  await client.send(new StartExecutionCommand({ stateMachineArn, name: requestId, input: JSON.stringify({ requestId }) }));
}
