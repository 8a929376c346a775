// The embedded MongoDB-compatible server: TCP connections speaking the wire
// protocol, one command at a time per connection (as a driver expects), over
// one shared in-memory catalog that is journalled to disk when given a dataDir.
import net from 'node:net';
import { Catalog } from './engine/catalog.js';
import { CursorStore } from './commands/cursors.js';
import { dispatch } from './commands/dispatch.js';
import { FrameReader, ProtocolError, decodeRequest, encodeOpMsg, encodeOpReply, MORE_TO_COME, readHeader, type Request } from './wire/codec.js';
import { ErrorCodes } from './engine/errors.js';

export interface EmbeddedServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Directory for the journal; absent = in memory only. */
  dataDir?: string;
  /** How often TTL indexes are swept (ms). */
  ttlSweepMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, detail?: unknown) => void;
}

export class EmbeddedMongoServer {
  private readonly sockets = new Set<net.Socket>();
  private readonly cursors = new CursorStore();
  private readonly startedAt = new Date();
  private nextConnectionId = 1;
  private timers: NodeJS.Timeout[] = [];
  private stopping?: Promise<void>;

  private constructor(
    private readonly server: net.Server,
    readonly catalog: Catalog,
    private readonly options: EmbeddedServerOptions,
  ) {}

  static async start(options: EmbeddedServerOptions = {}): Promise<EmbeddedMongoServer> {
    const catalog = await Catalog.open({ dataDir: options.dataDir, onWarning: (m) => options.log?.('warn', m) });
    const server = net.createServer();
    const instance = new EmbeddedMongoServer(server, catalog, options);
    server.on('connection', (socket) => instance.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    instance.startHousekeeping();
    return instance;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  get uri(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `mongodb://${host}:${this.port}/?directConnection=true`;
  }

  private startHousekeeping(): void {
    const sweep = setInterval(() => {
      try {
        this.catalog.expire(new Date());
        this.cursors.expireIdle();
        void this.catalog.commit().catch((err) => this.options.log?.('error', 'journal write failed during TTL sweep', err));
      } catch (err) {
        this.options.log?.('error', 'housekeeping failed', err);
      }
    }, this.options.ttlSweepMs ?? 1000);
    sweep.unref();
    this.timers.push(sweep);
  }

  private accept(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    const reader = new FrameReader();
    let queue = Promise.resolve();
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch (err) {
        // A length we cannot trust means we cannot find the next message: drop the connection.
        this.options.log?.('warn', `closing connection ${connectionId}: ${(err as Error).message}`);
        socket.destroy();
        return;
      }
      for (const frame of frames) queue = queue.then(() => this.handleFrame(socket, connectionId, frame));
    });
  }

  private async handleFrame(socket: net.Socket, connectionId: number, frame: Buffer): Promise<void> {
    if (socket.destroyed) return;
    const header = readHeader(frame);
    let request: Request;
    try {
      request = decodeRequest(frame);
    } catch (err) {
      const message = err instanceof ProtocolError ? err.message : `invalid message: ${(err as Error).message}`;
      // Answer in the format of the request when we can tell it, then keep serving.
      const reply = { ok: 0, errmsg: message, code: ErrorCodes.FailedToParse, codeName: 'FailedToParse' };
      if (header.opCode === 2013) socket.write(encodeOpMsg(header.requestId, reply));
      else if (header.opCode === 2004) socket.write(encodeOpReply(header.requestId, reply));
      else socket.destroy();
      return;
    }
    const db = request.kind === 'msg' ? String(request.command.$db ?? 'admin') : request.collection.split('.')[0];
    const reply = await dispatch({ catalog: this.catalog, cursors: this.cursors, connectionId, startedAt: this.startedAt }, db, request.command, (err, name) =>
      this.options.log?.('error', `command ${name} failed`, err),
    );
    if (socket.destroyed) return;
    if (request.kind === 'query') socket.write(encodeOpReply(header.requestId, reply));
    else if (!(request.flags & MORE_TO_COME)) socket.write(encodeOpMsg(header.requestId, reply));
  }

  /** Stops accepting, closes client sockets, flushes and closes the journal. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const s of this.sockets) s.destroy();
      await closed;
      await this.catalog.close();
    })();
    return this.stopping;
  }
}
