import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomBytes } from 'node:crypto';
import { Model, Types } from 'mongoose';
import { ApiError } from '../../common/api-error';
import { AppsService } from '../apps.service';
import { AppRegistry } from '../registry/app-registry';
import { App, StoredApiKey } from '../schemas/app.schema';
import { hashApiKey } from './api-key-hash';
import { ApiKeyDto, CreatedApiKeyDto } from './api-keys.dto';

const PREFIX_LENGTH = 10;

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectModel(App.name) private readonly apps: Model<App>,
    private readonly owned: AppsService,
    private readonly registry: AppRegistry,
  ) {}

  async create(ownerId: string, name: string): Promise<CreatedApiKeyDto> {
    const app = await this.owned.owned(ownerId, name);
    const key = `slb_${randomBytes(32).toString('base64url')}`;
    const stored: StoredApiKey = {
      id: randomBytes(6).toString('hex'),
      prefix: key.slice(0, PREFIX_LENGTH),
      hash: hashApiKey(key),
      createdAt: new Date(),
    };
    await this.apps.updateOne(
      { _id: new Types.ObjectId(app.id) },
      { $push: { apiKeys: stored }, $inc: { revision: 1 } },
    );
    await this.registry.reload(name);
    return { ...view(stored), key };
  }

  async list(ownerId: string, name: string): Promise<ApiKeyDto[]> {
    const app = await this.owned.owned(ownerId, name);
    const stored = await this.apps.findById(app.id, { apiKeys: 1 }).lean();
    return (stored?.apiKeys ?? []).map(view);
  }

  async revoke(ownerId: string, name: string, id: string): Promise<void> {
    const app = await this.owned.owned(ownerId, name);
    const stored = await this.apps.findById(app.id, { apiKeys: 1, revision: 1 }).lean();
    const keys = stored?.apiKeys ?? [];
    if (!keys.some((key) => key.id === id)) throw ApiError.notFound(`App ${name} has no API key ${id}`);
    const { modifiedCount } = await this.apps.updateOne(
      { _id: new Types.ObjectId(app.id), revision: stored?.revision },
      { $set: { apiKeys: keys.filter((key) => key.id !== id) }, $inc: { revision: 1 } },
    );
    if (modifiedCount === 0) throw ApiError.conflict(`App ${name} changed meanwhile; try again`);
    await this.registry.reload(name);
  }
}

function view(key: StoredApiKey): ApiKeyDto {
  return { id: key.id, prefix: key.prefix, created_at: new Date(key.createdAt).toISOString() };
}
