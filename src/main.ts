import { Logger } from '@nestjs/common';
import { AppConfig, loadConfig, readDotEnv } from './config/app-config';
import { JsonLogger } from './common/json-logger';
import { createApp } from './app.setup';
import { EmbeddedServer, startEmbeddedServer } from './database/embedded-server';
import { join } from 'node:path';

async function bootstrap(): Promise<void> {
  readDotEnv();
  const config = loadConfig(process.env);
  const logger = new JsonLogger(config.logLevel);
  Logger.overrideLogger(logger);
  const log = new Logger('Bootstrap');
  warnAboutSecret(config, log);

  const embedded = config.mongodbUri ? undefined : await startEmbedded(config, log);
  const app = await createApp(
    config,
    config.mongodbUri ?? (embedded as EmbeddedServer).uri,
    logger,
  );
  await app.listen(config.port, config.host);
  const scheme = config.tls ? 'https' : 'http';
  log.log(
    `Simple Load-Balancer listening on ${scheme}://${config.host}:${config.port} (docs at /docs)`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.log(`${signal} received, shutting down`);
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function startEmbedded(config: AppConfig, log: Logger): Promise<EmbeddedServer> {
  const say = (message: string) => log.warn(message);
  if (config.nodeEnv === 'production') {
    say(
      'MONGODB_URI is not set: starting an embedded database. Set MONGODB_URI to a real MongoDB in production!',
    );
  } else {
    say('MONGODB_URI is not set: starting an embedded MongoDB-compatible database');
  }
  const server = await startEmbeddedServer({
    dataDir: join(config.dataDir, 'db'),
    ferretdbBinary: config.ferretdbBinary,
    databaseName: 'simple_load_balancer',
    say,
  });
  process.on('exit', () => killIfRunning(server.pid));
  return server;
}

function killIfRunning(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
}

function warnAboutSecret(config: AppConfig, log: Logger): void {
  if (config.jwtSecretSource === 'generated') {
    log.warn(`JWT_SECRET is not set: generated one into ${join(config.dataDir, 'jwt-secret')}`);
  } else if (config.jwtSecretSource === 'data-folder') {
    log.warn(`JWT_SECRET is not set: using the one generated earlier in ${config.dataDir}`);
  }
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: `Cannot start: ${message}` })}\n`,
  );
  process.exit(1);
});
