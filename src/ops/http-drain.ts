import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { ForwardingHandler } from '../balancer/forwarding/forwarding-handler';
import { AppConfig } from '../config/app-config';

const IDLE_SWEEP_MS = 50;

/**
 * The first step of a shutdown (onModuleDestroy runs before every other shutdown hook): the server stops
 * taking connections, WebSocket tunnels end, keep-alive connections close as soon as they are idle, and
 * requests in flight get SHUTDOWN_GRACE_MS to finish before their connections are closed. Their log
 * entries are then flushed by the request-log writer (beforeApplicationShutdown); node pools and the
 * database close last.
 */
@Injectable()
export class HttpDrain implements OnModuleDestroy {
  private readonly logger = new Logger('Shutdown');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly forwarding: ForwardingHandler,
    private readonly config: AppConfig,
  ) {}

  async onModuleDestroy(): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
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
    this.forwarding.closeTunnels();
    if (!server) return;
    const deadline = Date.now() + this.config.shutdownGraceMs;
    while (!closed && Date.now() < deadline) {
      server.closeIdleConnections();
      await Promise.race([allClosed, sleep(Math.min(IDLE_SWEEP_MS, deadline - Date.now()))]);
    }
    if (closed) return;
    this.logger.warn(
      `Requests still in flight after SHUTDOWN_GRACE_MS (${this.config.shutdownGraceMs} ms): closing their connections`,
    );
    server.closeAllConnections();
    await allClosed;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
