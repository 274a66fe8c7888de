import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ForwardingHandler } from '../balancer/forwarding/forwarding-handler';
import { AppConfig } from '../config/app-config';

const IDLE_SWEEP_MS = 50;

/**
 * The first step of a shutdown (onModuleDestroy runs before every other shutdown hook): the server stops
 * taking connections, keep-alive connections close as soon as they are idle, and requests in flight and
 * WebSocket tunnels get SHUTDOWN_GRACE_MS to finish. Then the tunnels still open end, cut by the shutdown,
 * and every other connection still open is closed, HTTP or not (one still in its TLS handshake, say). The
 * request-log writer flushes after (beforeApplicationShutdown); node pools and the database close last.
 */
@Injectable()
export class HttpDrain implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Shutdown');
  private readonly connections = new Set<Socket>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly forwarding: ForwardingHandler,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.server()?.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server();
    let closed = true;
    const allClosed = server?.listening
      ? new Promise<void>((resolve) => {
          closed = false;
          server.close(() => {
            closed = true;
            resolve();
          });
        })
      : Promise.resolve();
    if (!server) return;
    const deadline = Date.now() + this.config.shutdownGraceMs;
    while (!closed && Date.now() < deadline) {
      server.closeIdleConnections();
      await Promise.race([allClosed, sleep(Math.min(IDLE_SWEEP_MS, deadline - Date.now()))]);
    }
    if (!closed) {
      this.logger.warn(
        `${this.connections.size} connections still open after SHUTDOWN_GRACE_MS (${this.config.shutdownGraceMs} ms): closing them`,
      );
      this.forwarding.markShutdownCut();
      this.forwarding.closeTunnels();
      server.closeAllConnections();
      for (const socket of this.connections) socket.destroy();
      await allClosed;
    }
    // The server may report itself closed before its sockets' 'close' events have all run, and those end the
    // requests cut here and record their log entries, which must come before the writer's flush.
    await Promise.all([...this.connections].map((socket) => once(socket, 'close')));
  }

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
