/**
 * A fake `aws` executable for testing the integration cases' cleanup hooks without an AWS account:
 * put first on PATH, it records every call and answers the few calls the hooks make from a JSON "world"
 * of named resources, deleting from it what they delete.
 *
 * It emulates only the AWS CLI calls the hooks make, with the CLI's `--query ... --output text` output
 * (names separated by tabs on one line). What it cannot prove: that the real API answers the same
 * (pagination, eventual consistency), that the caller has the permissions, and that what AWS deletes
 * asynchronously (snapshots, a key scheduled for deletion) is gone later.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The named resources the fake knows. */
export interface World {
  logGroups: string[];
  streams: string[];
  secrets: string[];
  /** Manual DB snapshots by DB instance identifier. */
  dbSnapshots: Record<string, string[]>;
  /** Manual cache snapshots by replication group id. */
  cacheSnapshots: Record<string, string[]>;
  /** Keys not scheduled for deletion, with their tags. */
  keys: Array<{ arn: string; tags: Record<string, string> }>;
  /** DB instances whose deletion protection was turned off. */
  unprotected: string[];
  /** Calls the fake does not know: a hook asked for something untested. */
  unsupported: string[][];
}

export function emptyWorld(): World {
  return { logGroups: [], streams: [], secrets: [], dbSnapshots: {}, cacheSnapshots: {}, keys: [], unprotected: [], unsupported: [] };
}

/**
 * The fake's program (plain Node.js, no dependencies; a CommonJS module, where a top-level `return` ends
 * it). Written here, not as a .js file, which the repository ignores under test/.
 */
const FAKE_AWS_PROGRAM = String.raw`'use strict';
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_AWS_CALLS, JSON.stringify(args) + '\n');
const world = JSON.parse(fs.readFileSync(process.env.FAKE_AWS_WORLD, 'utf8'));
const FLAGS = ['--no-deletion-protection', '--apply-immediately', '--enforce-consumer-deletion', '--force-delete-without-recovery'];
const options = {};
const words = [];
for (let i = 0; i < args.length; i++) {
  if (FLAGS.includes(args[i])) options[args[i]] = true;
  else if (args[i].startsWith('--')) options[args[i]] = args[++i];
  else words.push(args[i]);
}
const save = () => fs.writeFileSync(process.env.FAKE_AWS_WORLD, JSON.stringify(world));
const print = list => process.stdout.write(list.join('\t') + '\n');
const missing = what => { process.stderr.write('An error occurred (ResourceNotFoundException): ' + what + ' not found\n'); process.exit(254); };
const remove = (list, name, what) => { const i = list.indexOf(name); if (i < 0) missing(what + ' ' + name); list.splice(i, 1); save(); };
switch (words.join(' ')) {
  case 'logs describe-log-groups':
    print(world.logGroups.filter(g => g.startsWith(options['--log-group-name-prefix'] || '')));
    break;
  case 'logs delete-log-group':
    remove(world.logGroups, options['--log-group-name'], 'log group');
    break;
  case 'kinesis delete-stream':
    remove(world.streams, options['--stream-name'], 'stream');
    break;
  case 'secretsmanager delete-secret':
    remove(world.secrets, options['--secret-id'], 'secret');
    break;
  case 'rds modify-db-instance':
    world.unprotected.push(options['--db-instance-identifier']);
    save();
    break;
  case 'rds describe-db-snapshots':
    print(world.dbSnapshots[options['--db-instance-identifier']] || []);
    break;
  case 'rds delete-db-snapshot':
    for (const list of Object.values(world.dbSnapshots)) if (list.includes(options['--db-snapshot-identifier'])) return remove(list, options['--db-snapshot-identifier'], 'snapshot');
    missing('snapshot ' + options['--db-snapshot-identifier']);
    break;
  case 'elasticache describe-snapshots':
    print(world.cacheSnapshots[options['--replication-group-id']] || []);
    break;
  case 'elasticache delete-snapshot':
    for (const list of Object.values(world.cacheSnapshots)) if (list.includes(options['--snapshot-name'])) return remove(list, options['--snapshot-name'], 'snapshot');
    missing('snapshot ' + options['--snapshot-name']);
    break;
  case 'resourcegroupstaggingapi get-resources': {
    const [, key, value] = /^Key=([^,]+),Values=(.+)$/.exec(options['--tag-filters']) || [];
    print(world.keys.filter(k => k.tags[key] === value).map(k => k.arn));
    break;
  }
  case 'kms schedule-key-deletion':
    if (!world.keys.some(k => k.arn === options['--key-id'])) missing('key ' + options['--key-id']);
    world.keys = world.keys.filter(k => k.arn !== options['--key-id']);
    save();
    break;
  default:
    world.unsupported.push(args);
    save();
    process.stderr.write('fake aws: unsupported call ' + args.join(' ') + '\n');
    process.exit(2);
}
`;

/** A fake `aws` on a PATH of its own, with its world. */
export class FakeAws {
  /** Installs the fake in a new temporary directory, with `world` as its resources. */
  public static install(world: World): FakeAws {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-aws-'));
    fs.writeFileSync(path.join(dir, 'fake-aws.cjs'), FAKE_AWS_PROGRAM);
    fs.writeFileSync(path.join(dir, 'aws'), '#!/bin/sh\nexec node "$(dirname "$0")/fake-aws.cjs" "$@"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'world.json'), JSON.stringify(world));
    fs.writeFileSync(path.join(dir, 'calls.jsonl'), '');
    return new FakeAws(dir);
  }

  private constructor(private readonly dir: string) {}

  /** Runs one hook as integ-runner does: split on spaces, no shell, from `cwd`, with the fake first on PATH. */
  public run(hook: string, cwd: string): string {
    const [command, ...args] = hook.split(' ');
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${this.dir}${path.delimiter}${process.env.PATH}`,
        FAKE_AWS_WORLD: path.join(this.dir, 'world.json'),
        FAKE_AWS_CALLS: path.join(this.dir, 'calls.jsonl'),
      },
    });
  }

  /** The resources left. */
  public get world(): World {
    return JSON.parse(fs.readFileSync(path.join(this.dir, 'world.json'), 'utf8'));
  }

  /** Every call, as its arguments. */
  public get calls(): string[][] {
    return fs.readFileSync(path.join(this.dir, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line));
  }

  public dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
