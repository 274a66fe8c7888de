import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDatabaseError } from '../../common/mongo-errors';
import { AppConfig } from '../../config/app-config';
import { settingsFromStored } from '../app-settings';
import { App } from '../schemas/app.schema';
import { Node } from '../schemas/node.schema';
import { LiveApp } from './live-app';
import { endPointOf, LiveNode } from './live-node';
import { NodePools } from './node-pools';

type StoredApp = App & { _id: unknown };
type StoredNode = Node;

@Injectable()
export class AppRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AppRegistry.name);
  private readonly apps = new Map<string, LiveApp>();
  private timer: NodeJS.Timeout | undefined;
  private syncing = false;
  private changes: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectModel(App.name) private readonly appModel: Model<App>,
    @InjectModel(Node.name) private readonly nodeModel: Model<Node>,
    private readonly pools: NodePools,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.serialized(() => this.sync());
    this.timer = setInterval(() => void this.syncQuietly(), this.config.registrySyncIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.apps.values()].map((app) => closePools(app.nodes)));
    this.apps.clear();
  }

  get(name: string): LiveApp | undefined {
    return this.apps.get(name);
  }

  all(): IterableIterator<LiveApp> {
    return this.apps.values();
  }

  reload(name: string): Promise<void> {
    return this.serialized(() => this.load(name));
  }

  private serialized(change: () => Promise<void>): Promise<void> {
    const next = this.changes.then(change);
    this.changes = next.catch(() => undefined);
    return next;
  }

  private async load(name: string): Promise<void> {
    const stored = await this.appModel.findOne({ name }).lean<StoredApp>();
    if (!stored) {
      this.drop(name);
      return;
    }
    const nodes = await this.nodeModel
      .find({ appId: String(stored._id) })
      .sort({ createdAt: 1 })
      .lean<StoredNode[]>();
    this.apply(stored, nodes);
  }

  /** One app that cannot be loaded must not keep the others from loading, nor the gateway from starting. */
  private async loadOrKeep(name: string): Promise<void> {
    try {
      await this.load(name);
    } catch (error) {
      if (isDatabaseError(error)) throw error;
      this.logger.error({ msg: 'app not loaded', app: name, error: (error as Error).message });
    }
  }

  private drop(name: string): void {
    const app = this.apps.get(name);
    if (!app) return;
    this.apps.delete(name);
    void closePools(app.nodes);
  }

  private async syncQuietly(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      await this.serialized(() => this.sync());
    } catch (error) {
      this.logger.warn({ msg: 'registry sync failed', error: (error as Error).message });
    } finally {
      this.syncing = false;
    }
  }

  private async sync(): Promise<void> {
    const revisions = await this.appModel
      .find({}, { name: 1, revision: 1 })
      .lean<{ name: string; revision: number }[]>();
    const seen = new Set<string>();
    for (const { name, revision } of revisions) {
      seen.add(name);
      if (this.apps.get(name)?.revision !== revision) await this.loadOrKeep(name);
    }
    for (const name of this.apps.keys()) if (!seen.has(name)) this.drop(name);
  }

  private apply(stored: StoredApp, storedNodes: StoredNode[]): void {
    const id = String(stored._id);
    const { settings, invalid } = settingsFromStored(stored.settings);
    if (invalid.length > 0) {
      this.logger.warn({
        msg: 'stored settings out of range: defaults used',
        app: stored.name,
        settings: invalid,
      });
    }
    let app = this.apps.get(stored.name);
    if (app && app.id !== id) {
      this.drop(stored.name);
      app = undefined;
    }
    const connectTimeoutChanged =
      app !== undefined && app.settings.connect_timeout_ms !== settings.connect_timeout_ms;
    if (!app) {
      app = new LiveApp(id, stored.name, stored.ownerId, settings, stored.revision);
      this.apps.set(stored.name, app);
    } else {
      app.applySettings(settings);
      app.revision = stored.revision;
    }
    app.apiKeyHashes = new Set((stored.apiKeys ?? []).map((key) => key.hash));
    app.nodes = this.mergeNodes(app, storedNodes, connectTimeoutChanged);
    app.refreshHealthy();
  }

  private mergeNodes(app: LiveApp, storedNodes: StoredNode[], renewPools: boolean): LiveNode[] {
    const current = new Map(app.nodes.map((node) => [node.id, node]));
    const merged = storedNodes.map((stored) => {
      const existing = current.get(endPointOf(stored.host, stored.port));
      if (!existing) {
        const pool = this.pools.create(stored.host, stored.port, app.settings.connect_timeout_ms);
        const probe = this.pools.createProbe(stored.host, stored.port);
        return new LiveNode(
          stored.host,
          stored.port,
          stored.statuspath,
          stored.weight ?? 1,
          pool,
          probe,
        );
      }
      current.delete(existing.id);
      existing.statuspath = stored.statuspath;
      existing.weight = stored.weight ?? 1;
      if (renewPools) {
        void existing.pool.close();
        existing.pool = this.pools.create(
          existing.host,
          existing.port,
          app.settings.connect_timeout_ms,
        );
      }
      return existing;
    });
    void closePools([...current.values()]);
    return merged;
  }
}

async function closePools(nodes: readonly LiveNode[]): Promise<void> {
  const pools = nodes.flatMap((node) => [node.pool, node.probe]);
  await Promise.all(pools.map((pool) => pool.close().catch(() => pool.destroy())));
}
