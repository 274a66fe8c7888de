import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model, Types } from 'mongoose';
import { decodeCursor, encodeCursor, olderThan } from '../common/cursor';
import { AuditEventDto, AuditPageDto } from './dto/audit-page.dto';
import { AuditEvent } from './schemas/audit-event.schema';

type StoredEvent = AuditEvent & { _id: Types.ObjectId };

@Injectable()
export class AuditService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly pending = new Set<Promise<void>>();
  private failures = 0;
  private suppressions = 0;
  private suppressionsReported = 0;
  private lastSuppressionReport = -Infinity;

  constructor(@InjectModel(AuditEvent.name) private readonly events: Model<AuditEvent>) {}

  async onModuleInit(): Promise<void> {
    await this.events.createIndexes();
  }

  /**
   * Lets the writes started so far finish before the database connection closes: after the HTTP server
   * has drained (HttpDrain), so the events of the requests it let finish are among them.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  /** Audit events that could not be written since the start (for /metrics). */
  get auditWriteFailures(): number {
    return this.failures;
  }

  /** Refused calls left unrecorded, over AUDIT_REFUSALS_PER_CLIENT, since the start (for /metrics). */
  get auditEventsSuppressed(): number {
    return this.suppressions;
  }

  /**
   * Counts a refused call that is not recorded, over its client's allowance. At most one warning per
   * `windowMs` says how many were left out since the last one, naming the latest.
   */
  suppress(event: Pick<AuditEvent, 'action' | 'error' | 'ip'>, windowMs: number): void {
    this.suppressions++;
    const now = Date.now();
    if (now - this.lastSuppressionReport < windowMs) return;
    this.logger.warn({
      msg: 'Refused calls over AUDIT_REFUSALS_PER_CLIENT are counted, not recorded',
      not_recorded: this.suppressions - this.suppressionsReported,
      latest: { action: event.action, error: event.error, ip: event.ip },
    });
    this.lastSuppressionReport = now;
    this.suppressionsReported = this.suppressions;
  }

  /**
   * Writes the event in the background: nobody waits for it. A failed write is logged and counted,
   * never thrown.
   */
  write(event: AuditEvent): void {
    const writing: Promise<void> = this.events
      .create(event)
      .then(
        () => undefined,
        (error: unknown) => this.writeFailed(event, error),
      )
      .finally(() => this.pending.delete(writing));
    this.pending.add(writing);
  }

  /** Counts and logs an event lost before or during its write. */
  writeFailed(
    event: Partial<Pick<AuditEvent, 'action' | 'outcome' | 'requestId'>>,
    error: unknown,
  ): void {
    this.failures++;
    this.logger.error({
      msg: 'Audit event not written',
      action: event.action,
      outcome: event.outcome,
      request_id: event.requestId,
      error:
        error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : 'unknown error',
    });
  }

  /** Resolves once the writes started so far have settled. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /** The actor's own events, newest first. */
  async listForActor(actorId: string, limit: number, cursor?: string): Promise<AuditPageDto> {
    const filter: FilterQuery<AuditEvent> = {
      actor: actorId,
      ...(cursor === undefined ? {} : olderThan(decodeCursor(cursor))),
    };
    const found = await this.events
      .find(filter)
      .sort({ date: -1, _id: -1 })
      .limit(limit + 1)
      .lean<StoredEvent[]>();
    const page = found.slice(0, limit);
    const last = page[page.length - 1];
    return {
      events: page.map(toDto),
      next_cursor: found.length > limit && last ? encodeCursor(last) : null,
    };
  }
}

function toDto(event: StoredEvent): AuditEventDto {
  return {
    date: event.date.toISOString(),
    action: event.action,
    actor: event.actor ?? null,
    target: event.target ?? null,
    outcome: event.outcome,
    error: event.error ?? null,
    request_id: event.requestId ?? null,
    ip: event.ip ?? null,
    user_agent: event.userAgent ?? null,
  };
}
