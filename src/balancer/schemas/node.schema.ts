import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

@Schema({ collection: 'nodes', timestamps: true })
export class Node {
  @Prop({ required: true })
  appId: string;

  @Prop({ required: true })
  host: string;

  @Prop({ required: true })
  port: number;

  @Prop({ required: true })
  statuspath: string;

  @Prop({ default: 1 })
  weight: number;
}

export const NodeSchema = SchemaFactory.createForClass(Node);
NodeSchema.index({ appId: 1, host: 1, port: 1 }, { unique: true });
