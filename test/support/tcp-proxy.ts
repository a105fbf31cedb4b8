import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxyTarget {
  host: string;
  port: number;
}

/**
 * A TCP proxy on 127.0.0.1 in front of one server (a database), that a test
 * can break: `cut()` destroys every connection through it (both ends reset)
 * and refuses new ones (accepted, then reset at once), `restore()` lets them
 * through again. The server behind it never notices more than clients that
 * went away. For "the database goes away and comes back" without stopping a
 * database server that other suites use.
 */
export class TcpProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private down = false;
  private accepted = 0;
  private refused = 0;

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly port: number,
    readonly target: TcpProxyTarget,
  ) {}

  /** Listens on a free port of 127.0.0.1 and forwards to `target`. */
  static async start(target: TcpProxyTarget): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer({ noDelay: true }, (socket) =>
      proxy?.connect(socket),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    proxy = new TcpProxy(
      server,
      (server.address() as AddressInfo).port,
      target,
    );
    return proxy;
  }

  /** For a proxy in front of `postgres://…@host:5432/db`: the same URL through the proxy. */
  static targetOf(url: string, defaultPort: number): TcpProxyTarget {
    const parsed = new URL(url);
    return {
      host: parsed.hostname,
      port: Number(parsed.port || defaultPort),
    };
  }

  /** `url` with its host and port replaced by the proxy's. */
  urlThrough(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** Connections open through the proxy right now. */
  get openConnections(): number {
    return this.pairs.size;
  }

  /** How many connections were let through, and refused while cut, since the start. */
  get counts(): { accepted: number; refused: number } {
    return { accepted: this.accepted, refused: this.refused };
  }

  get isCut(): boolean {
    return this.down;
  }

  /** Resets every open connection and refuses new ones until `restore()`. */
  cut(): void {
    this.down = true;
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
  }

  /** Accepts and forwards connections again. */
  restore(): void {
    this.down = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private connect(client: Socket): void {
    if (this.down) {
      this.refused++;
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    this.accepted++;
    const upstream = createConnection({
      host: this.target.host,
      port: this.target.port,
      noDelay: true,
    });
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const end = () => {
      if (!this.pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    // Errors end the pair: a reset on one side resets the other.
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
