import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { ApiError } from '../common/api-error';
import { isDuplicateKeyError } from '../common/mongo-errors';
import { RequestLogsService } from '../request-logs/request-logs.service';
import { UsersService } from '../users/users.service';
import { AppSettings, DEFAULT_SETTINGS, withDefaults } from './app-settings';
import { AppViewDto, NodeViewDto } from './dto/app-view.dto';
import { NodeAddressDto, NodeDto } from './dto/node.dto';
import { SettingsPatchDto } from './dto/settings.dto';
import { NodeAddressPolicy } from './node-address-policy';
import { AppRegistry } from './registry/app-registry';
import { endPointOf } from './registry/live-node';
import { App } from './schemas/app.schema';
import { Node } from './schemas/node.schema';

interface OwnedApp {
  id: string;
  name: string;
  settings: AppSettings;
}

@Injectable()
export class AppsService implements OnModuleInit {
  constructor(
    @InjectModel(App.name) private readonly apps: Model<App>,
    @InjectModel(Node.name) private readonly nodes: Model<Node>,
    private readonly registry: AppRegistry,
    private readonly policy: NodeAddressPolicy,
    private readonly requestLogs: RequestLogsService,
    users: UsersService,
  ) {
    users.onUserDeleted((user) => this.deleteAllOf(user.id));
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.apps.createIndexes(), this.nodes.createIndexes()]);
  }

  async create(ownerId: string, name: string, node: NodeDto): Promise<void> {
    const address = normalizeAddress(node);
    await this.policy.assertAllowed(address.host, address.port);
    let appId: string;
    try {
      const created = await this.apps.create({ name, ownerId, settings: { ...DEFAULT_SETTINGS } });
      appId = String(created._id);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw ApiError.conflict(`There is already an app named ${name}`);
      throw error;
    }
    await this.upsertNode(appId, { ...node, ...address });
    await this.changed(name);
  }

  async addNode(ownerId: string, name: string, node: NodeDto): Promise<{ created: boolean; endPoint: string }> {
    const address = normalizeAddress(node);
    await this.policy.assertAllowed(address.host, address.port);
    const app = await this.findOrCreate(ownerId, name);
    const created = await this.upsertNode(app.id, { ...node, ...address });
    await this.changed(name);
    return { created, endPoint: endPointOf(address.host, address.port) };
  }

  async removeNode(ownerId: string, name: string, node: NodeAddressDto): Promise<string> {
    const app = await this.owned(ownerId, name);
    const address = normalizeAddress(node);
    const { deletedCount } = await this.nodes.deleteOne({ appId: app.id, ...address });
    const endPoint = endPointOf(address.host, address.port);
    if (deletedCount === 0) throw ApiError.notFound(`App ${name} has no node ${endPoint}`);
    await this.changed(name);
    return endPoint;
  }

  async list(ownerId: string): Promise<string[]> {
    const apps = await this.apps.find({ ownerId }, { name: 1 }).sort({ name: 1 }).lean();
    return apps.map((app) => app.name);
  }

  async view(ownerId: string, name: string): Promise<AppViewDto> {
    const app = await this.owned(ownerId, name);
    const stored = await this.nodes.find({ appId: app.id }).sort({ createdAt: 1 }).lean();
    const live = this.registry.get(name);
    const nodes = stored.map((node): NodeViewDto => {
      const state = live?.nodes.find((candidate) => candidate.id === endPointOf(node.host, node.port));
      return {
        host: node.host,
        port: node.port,
        statuspath: node.statuspath,
        weight: node.weight ?? 1,
        status: state?.status ?? 'up',
        last_check: state?.lastCheck?.toISOString() ?? null,
        last_error: state?.lastError ?? null,
      };
    });
    return { name: app.name, settings: app.settings, nodes };
  }

  async updateSettings(ownerId: string, name: string, patch: SettingsPatchDto): Promise<AppViewDto> {
    const app = await this.owned(ownerId, name);
    const changes = Object.fromEntries(
      Object.entries(patch)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [`settings.${key}`, value === null ? null : plain(value)]),
    );
    await this.apps.updateOne({ _id: new Types.ObjectId(app.id) }, { $set: changes, $inc: { revision: 1 } });
    await this.registry.reload(name);
    return this.view(ownerId, name);
  }

  async remove(ownerId: string, name: string): Promise<void> {
    const app = await this.owned(ownerId, name);
    await this.deleteApps([app.id]);
    await this.registry.reload(name);
  }

  async owned(ownerId: string, name: string): Promise<OwnedApp> {
    const app = await this.apps.findOne({ name }).lean();
    if (!app) throw ApiError.notFound(`There is no app named ${name}`);
    if (app.ownerId !== ownerId) throw ApiError.forbidden(`The app ${name} belongs to someone else`);
    return { id: String(app._id), name: app.name, settings: withDefaults(app.settings) };
  }

  private async findOrCreate(ownerId: string, name: string): Promise<OwnedApp> {
    try {
      return await this.owned(ownerId, name);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
    }
    try {
      const created = await this.apps.create({ name, ownerId, settings: { ...DEFAULT_SETTINGS } });
      return { id: String(created._id), name, settings: { ...DEFAULT_SETTINGS } };
    } catch (error) {
      if (isDuplicateKeyError(error)) return this.owned(ownerId, name);
      throw error;
    }
  }

  private async upsertNode(appId: string, node: NodeDto): Promise<boolean> {
    const filter = { appId, host: node.host, port: node.port };
    const set = { statuspath: node.statuspath, ...(node.weight !== undefined && { weight: node.weight }) };
    const update = node.weight === undefined ? { $set: set, $setOnInsert: { weight: 1 } } : { $set: set };
    try {
      const result = await this.nodes.updateOne(filter, update, { upsert: true });
      return result.upsertedCount > 0;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await this.nodes.updateOne(filter, { $set: set });
      return false;
    }
  }

  private async changed(name: string): Promise<void> {
    await this.apps.updateOne({ name }, { $inc: { revision: 1 } });
    await this.registry.reload(name);
  }

  private async deleteAllOf(ownerId: string): Promise<void> {
    const apps = await this.apps.find({ ownerId }, { name: 1 }).lean();
    await this.deleteApps(apps.map((app) => String(app._id)));
    for (const app of apps) await this.registry.reload(app.name);
  }

  private async deleteApps(appIds: string[]): Promise<void> {
    if (appIds.length === 0) return;
    await this.apps.deleteMany({ _id: { $in: appIds.map((id) => new Types.ObjectId(id)) } });
    await this.nodes.deleteMany({ appId: { $in: appIds } });
    await this.requestLogs.deleteForApps(appIds);
  }
}

function normalizeAddress(node: NodeAddressDto): { host: string; port: number } {
  return { host: node.host.toLowerCase(), port: node.port };
}

function plain(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? { ...value } : value;
}
