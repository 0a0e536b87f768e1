import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay to a store (bytes pass through untouched, TLS included) that can break its open
 * connections the way a frozen Lambda environment finds them after a failover or a NAT timeout: the
 * server side is gone, and the client learns it only when it next writes (a reset). No Node library
 * injects this fault, hence these few lines.
 */
export class FaultyLink {
  static async open(targetPort: number): Promise<FaultyLink> {
    const link = new FaultyLink(targetPort);
    await new Promise<void>(resolve => link.server.listen(0, '127.0.0.1', resolve));
    return link;
  }

  private readonly server: Server;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; broken: boolean }>();

  private constructor(targetPort: number) {
    this.server = createServer(client => {
      const upstream = createConnection(targetPort, '127.0.0.1');
      const pair = { client, upstream, broken: false };
      this.pairs.add(pair);
      client.on('data', data => {
        if (pair.broken) {
          client.resetAndDestroy();
        } else {
          upstream.write(data);
        }
      });
      upstream.on('data', data => { if (!pair.broken) client.write(data); });
      // The upstream closing ends the client too, unless the break is to stay silent.
      const end = () => { if (!pair.broken) client.destroy(); };
      upstream.on('close', end);
      upstream.on('error', end);
      client.on('close', () => { this.pairs.delete(pair); upstream.destroy(); });
      client.on('error', () => upstream.destroy());
    });
  }

  /** The port clients connect to. */
  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** Breaks every open connection silently; new connections are relayed as before. Returns how many. */
  breakSilently(): number {
    const pairs = [...this.pairs].filter(p => !p.broken);
    for (const pair of pairs) {
      pair.broken = true;
      pair.upstream.destroy();
    }
    return pairs.length;
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    await new Promise(resolve => this.server.close(resolve));
  }
}
