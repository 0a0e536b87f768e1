/**
 * The synthesized workflow, run locally: aws-local-stepfunctions interprets the Amazon States Language
 * definition the construct synthesized, each Task state bound to the real worker bundle (a process of
 * its own, on the real stores); and a stand-in for the Step Functions API, which the request function's
 * SDK reaches through AWS_ENDPOINT_URL_SFN, starts such a run for each StartExecution.
 *
 * What a local run cannot prove: that Step Functions accepts the definition and the role (IAM is not
 * checked here; the policy simulator tests the role), the Lambda service integration's own behaviour
 * (its payload limits, its throttling retries), timing (Wait states and retry intervals are shortened),
 * the execution history's retention, and quotas. It does prove what the definition does with its input:
 * the order of the steps, the retries and the catch, and that every state's input and output is the
 * request id alone.
 */
import { createServer, type Server } from 'node:http';
import type { FunctionProcess } from './function-process';

// aws-local-stepfunctions calls Promise.withResolvers, which Node 20 lacks (Node 22 has it).
const promises = Promise as unknown as { withResolvers?: () => unknown };
if (promises.withResolvers === undefined) {
  promises.withResolvers = () => {
    let resolve: unknown; let reject: unknown;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as typeof import('aws-local-stepfunctions');

/** One execution: its input, every event, how it ended. */
export interface LocalExecution {
  readonly name: string;
  readonly input: unknown;
  readonly events: any[];
  status?: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  readonly done: Promise<void>;
}

export class LocalStepFunctions {
  static async start(definition: any, worker: () => FunctionProcess, waitMs = 0): Promise<LocalStepFunctions> {
    const local = new LocalStepFunctions(definition, worker, waitMs);
    await new Promise<void>(resolve => local.server.listen(0, '127.0.0.1', resolve));
    return local;
  }

  readonly executions = new Map<string, LocalExecution>();
  private readonly server: Server;
  private readonly machine: InstanceType<typeof StateMachine>;
  private readonly taskStates: string[];
  private readonly waitStates: string[];

  private constructor(definition: any, private readonly worker: () => FunctionProcess, private readonly waitMs: number) {
    this.machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
    const states = Object.entries<any>(definition.States);
    this.taskStates = states.filter(([, s]) => s.Type === 'Task').map(([name]) => name);
    this.waitStates = states.filter(([, s]) => s.Type === 'Wait').map(([name]) => name);
    // The Step Functions API's StartExecution (AWS JSON 1.0), as the SDK sends it: enough for the request function.
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => { body += chunk; });
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        if (target !== 'AWSStepFunctions.StartExecution') {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
          return;
        }
        const request = JSON.parse(body) as { stateMachineArn: string; name: string; input: string };
        this.run(request.name, JSON.parse(request.input));
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ executionArn: `${request.stateMachineArn.replace(':stateMachine:', ':execution:')}:${request.name}`, startDate: Date.now() / 1000 }));
      });
    });
  }

  /** The endpoint for AWS_ENDPOINT_URL_SFN. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Starts an execution (as StartExecution does), each Task state invoking the worker. */
  run(name: string, input: unknown): LocalExecution {
    const handlers = Object.fromEntries(this.taskStates.map(state => [state, async (payload: unknown) => {
      const outcome = await this.worker().invoke(payload);
      if (!outcome.ok) throw new Error(outcome.error);
      return outcome.result as any;
    }]));
    const execution = this.machine.run(input as any, {
      overrides: {
        taskResourceLocalHandlers: handlers,
        waitTimeOverrides: Object.fromEntries(this.waitStates.map(s => [s, this.waitMs])),
        retryIntervalOverrides: Object.fromEntries(this.taskStates.map(s => [s, 10])),
      },
    });
    const events: any[] = [];
    const record: { -readonly [K in keyof LocalExecution]: LocalExecution[K] } = { name, input, events, done: Promise.resolve() };
    record.done = (async () => {
      const collecting = (async () => {
        try {
          for await (const event of execution.eventLogs) events.push(event);
        } catch {
          // the log ends with the execution's failure, which `result` reports
        }
      })();
      try {
        record.output = await execution.result;
        record.status = 'SUCCEEDED';
      } catch (e) {
        record.status = 'FAILED';
        record.error = e instanceof Error ? e.message : String(e);
      }
      await collecting;
    })();
    this.executions.set(name, record);
    return record;
  }

  /** The execution named `name`, once it has ended. */
  async settled(name: string): Promise<LocalExecution> {
    const execution = this.executions.get(name);
    if (execution === undefined) throw new Error(`no execution ${name} was started`);
    await execution.done;
    return execution;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.executions.values()].map(e => e.done));
    await new Promise(resolve => this.server.close(resolve));
  }
}
