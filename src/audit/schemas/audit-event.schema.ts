import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ErrorCode } from '../../../libs/gateway-core/src/error-codes';

export type AuditOutcome = 'success' | 'failure';

/** One management action. Never deleted, not even with its user (users are soft-deleted). */
@Schema({ collection: 'audit_events', versionKey: false })
export class AuditEvent {
  @Prop({ type: Date, required: true })
  date: Date;

  @Prop({ type: String, required: true })
  action: string;

  /** The acting user's id; null when nobody could be identified (a failed login, say). */
  @Prop({ type: String, default: null })
  actor: string | null;

  /** The email the request acted as: the authenticated user's, else the one in the body. */
  @Prop({ type: String, default: null })
  actorEmail: string | null;

  @Prop({ type: String, default: null })
  target: string | null;

  @Prop({ type: String, enum: ['success', 'failure'], required: true })
  outcome: AuditOutcome;

  @Prop({ type: String, default: null })
  error: ErrorCode | null;

  @Prop({ type: String, default: null })
  requestId: string | null;

  @Prop({ type: String, default: null })
  ip: string | null;

  @Prop({ type: String, default: null })
  userAgent: string | null;
}

export const AuditEventSchema = SchemaFactory.createForClass(AuditEvent);
AuditEventSchema.index({ actor: 1, date: -1, _id: -1 });
