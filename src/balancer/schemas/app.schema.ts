import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Schema as MongooseSchema } from 'mongoose';
import { AppSettings, DEFAULT_SETTINGS } from '../app-settings';

export interface StoredApiKey {
  id: string;
  prefix: string;
  hash: string;
  createdAt: Date;
}

@Schema({ collection: 'apps', timestamps: true })
export class App {
  @Prop({ required: true, unique: true })
  name: string;

  @Prop({ required: true, index: true })
  ownerId: string;

  @Prop({ type: MongooseSchema.Types.Mixed, default: () => ({ ...DEFAULT_SETTINGS }) })
  settings: AppSettings;

  @Prop({ default: 0 })
  revision: number;

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  apiKeys: StoredApiKey[];
}

export type AppDocument = HydratedDocument<App>;
export const AppSchema = SchemaFactory.createForClass(App);
