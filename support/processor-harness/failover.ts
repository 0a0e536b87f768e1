import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { TestAuthority } from './certificates';
import { assertFree, REDIS_FAILOVER_PORTS, setUser, stopOnExit, waitFor, withRedis } from './stores';
import { PROCESSOR_USER } from '../../src/private/cache-access';

/**
 * A model of an ElastiCache replication group with Multi-AZ (cluster mode off) for the failover tests:
 * a primary and one asynchronous replica (Debian's Redis, TLS, AUTH), each with the processor's user
 * and its access string as the template's user group gives every node of the group (ACL users are a
 * node's own, not replicated), behind a relay that stands for the
 * primary endpoint. The replication stream from primary to replica passes through a relay that delays
 * it by `lagMs`, the replica's lag.
 *
 * `failover()` does what ElastiCache documents for a failed primary ("Minimizing downtime in
 * ElastiCache for Redis with Multi-AZ"): the primary is gone at once (SIGKILL, so its last writes never
 * reach the replica), the replica is promoted (`REPLICAOF NO ONE`), the primary endpoint then leads to
 * it (the relay's target; ElastiCache moves the endpoint's DNS name), and a replacement replica is
 * started and synced from the new primary.
 *
 * What it cannot prove: ElastiCache's own detection and promotion timing (here immediate), DNS
 * propagation (here a client reaches the new primary on its next connection, never the old node), the
 * choice among several replicas (one here), cluster mode's per-shard failovers, ElastiCache's engine
 * build and its replication beyond open-source Redis 7.0's, and lags that are not a fixed delay.
 */
export class ReplicatedRedis {
  static async start(dir: string, authority: TestAuthority, lagMs: number): Promise<ReplicatedRedis> {
    for (const port of REDIS_FAILOVER_PORTS) await assertFree(port);
    const group = new ReplicatedRedis(dir, authority, lagMs);
    try {
      group.primary = await group.startNode(REDIS_FAILOVER_PORTS[0]);
      group.replica = await group.startReplica(REDIS_FAILOVER_PORTS[1]);
      await group.endpoint.listen();
      group.endpoint.target = group.primary.port;
      return group;
    } catch (e) {
      await group.stop();
      throw e;
    }
  }

  /** The AUTH token of every node (the default user's password). */
  readonly token = randomBytes(24).toString('base64url');
  /** The password of the processor's user (PROCESSOR_USER) on every node. */
  readonly processorPassword = randomBytes(24).toString('base64url');
  /** Failovers done. */
  failovers = 0;
  private primary!: Node;
  private replica!: Node;
  private readonly endpoint = new Relay(0);
  private readonly links: Relay[] = [];
  private replacement: Promise<void> = Promise.resolve();

  private constructor(private readonly dir: string, private readonly authority: TestAuthority, readonly lagMs: number) {}

  /** The primary endpoint's port (127.0.0.1, TLS, this group's token). */
  get port(): number {
    return this.endpoint.port;
  }

  /** The primary's own port, without the endpoint's relay (a benchmark that measures round trips). */
  get primaryPort(): number {
    return this.primary.port;
  }

  /**
   * Kills the primary at once (SIGKILL), and drops what it sent in its last lagMs, which is still on the
   * way to the replica. Synchronous, so that it can run the moment a batch is acknowledged.
   */
  killPrimary(): void {
    this.primary.process.kill('SIGKILL');
    for (const link of this.links) link.dropAll();
    this.endpoint.dropAll();
  }

  /**
   * Fails over: kills the primary (unless `killPrimary` did), promotes the replica, points the endpoint
   * at it, and starts a replacement replica (`replaced()` waits until it is in sync). Returns when the
   * promoted node took writes, ms since the epoch (the start of the convergence the tests measure).
   */
  async failover(): Promise<number> {
    const old = this.primary;
    if (old.process.exitCode === null && old.process.signalCode === null) {
      const exited = new Promise(resolve => old.process.once('exit', resolve));
      this.killPrimary();
      await exited;
    }
    old.release();
    await this.admin(this.replica.port, r => r.call('REPLICAOF', 'NO', 'ONE'));
    const promotedAt = Date.now();
    this.primary = this.replica;
    this.endpoint.target = this.primary.port;
    this.replacement = this.startReplica(old.port).then(node => { this.replica = node; });
    this.failovers++;
    return promotedAt;
  }

  /** Stops the replica (a node being replaced), leaving the primary without one. */
  async stopReplica(): Promise<void> {
    await this.replacement;
    const node = this.replica;
    const exited = new Promise(resolve => node.process.once('exit', resolve));
    node.process.kill('SIGTERM');
    await exited;
    node.release();
  }

  /** Waits until the replacement replica of the last failover is in sync. */
  async replaced(): Promise<void> {
    await this.replacement;
  }

  /** Runs `work` on the node behind the primary endpoint. */
  onPrimary<T>(work: (r: Redis) => Promise<T>): Promise<T> {
    return this.admin(this.primary.port, work);
  }

  async stop(): Promise<void> {
    await this.replacement.catch(() => undefined);
    for (const node of [this.primary, this.replica]) {
      if (node === undefined || node.process.exitCode !== null || node.process.signalCode !== null) continue;
      const exited = new Promise(resolve => node.process.once('exit', resolve));
      node.process.kill('SIGTERM');
      await exited;
      node.release();
    }
    await Promise.all([this.endpoint.close(), ...this.links.map(l => l.close())]);
  }

  private async startReplica(port: number): Promise<Node> {
    // The replication stream flows through a relay that delays what the primary sends by lagMs.
    const link = new Relay(this.lagMs);
    await link.listen();
    link.target = this.primary.port;
    this.links.push(link);
    const node = await this.startNode(port, ['--replicaof', '127.0.0.1', String(link.port), '--tls-replication', 'yes', '--masterauth', this.token]);
    await waitFor(`replica on ${port} in sync`, () => this.admin(port, async r => /master_link_status:up/.test(await r.info('replication'))));
    return node;
  }

  private async startNode(port: number, extra: string[] = []): Promise<Node> {
    const dir = join(this.dir, `failover-${port}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    const a = this.authority;
    const child = spawn('redis-server', [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1',
      '--tls-cert-file', a.serverCertFile, '--tls-key-file', a.serverKeyFile, '--tls-ca-cert-file', a.caFile,
      '--tls-auth-clients', 'no', '--requirepass', this.token,
      '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0', '--dir', dir, '--logfile', join(dir, 'redis.log'),
      ...extra,
    ], { stdio: 'ignore' });
    const release = stopOnExit(() => child.kill('SIGKILL'));
    await waitFor(`redis-server on ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${readFileSync(join(dir, 'redis.log'), 'utf8').slice(-1500)}`);
      return this.admin(port, async r => (await r.ping()) === 'PONG');
    });
    await this.admin(port, r => setUser(r, PROCESSOR_USER, this.processorPassword));
    return { port, process: child, release };
  }

  private async admin<T>(port: number, work: (r: Redis) => Promise<T>): Promise<T> {
    return withRedis(port, this.token, this.authority.caFile, work);
  }
}

interface Node {
  readonly port: number;
  readonly process: ChildProcess;
  readonly release: () => void;
}

/**
 * A TCP relay on 127.0.0.1 to `target` (bytes untouched, TLS included); what the target sends back is
 * delayed by `delayMs`, in order. No Node library models a lagging link, hence these few lines.
 */
class Relay {
  target = 0;
  private readonly server: Server;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();

  constructor(private readonly delayMs: number) {
    this.server = createServer(client => {
      const upstream = createConnection(this.target, '127.0.0.1');
      // No Nagle: a relay that held small writes back (40 ms, against the peer's delayed ACK) would add
      // a lag of its own.
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      const pair = { client, upstream };
      this.pairs.add(pair);
      client.on('data', data => upstream.write(data));
      upstream.on('data', data => {
        if (this.delayMs === 0) client.write(data);
        else setTimeout(() => { if (!client.destroyed) client.write(data); }, this.delayMs);
      });
      const end = () => { client.destroy(); upstream.destroy(); this.pairs.delete(pair); };
      for (const socket of [client, upstream]) {
        socket.on('close', end);
        socket.on('error', end);
      }
    });
  }

  listen(): Promise<void> {
    return new Promise(resolve => this.server.listen(0, '127.0.0.1', resolve));
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** Ends every connection through the relay (new ones are relayed to the current target). */
  dropAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise(resolve => this.server.close(resolve));
  }
}
