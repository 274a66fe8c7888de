import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppRegistry } from '../balancer/registry/app-registry';
import { RequestLogWriter } from '../request-logs/request-log-writer';
import { PrometheusText } from './prometheus-text';
import { TlsCertificateReloader } from './tls-certificate-reloader';

@Injectable()
export class MetricsService {
  constructor(
    private readonly registry: AppRegistry,
    private readonly logs: RequestLogWriter,
    private readonly audit: AuditService,
    private readonly tls: TlsCertificateReloader,
  ) {}

  render(): string {
    const text = new PrometheusText();
    this.renderTraffic(text);
    this.renderRequestLogs(text);
    text
      .describe(
        'slb_audit_write_failures_total',
        'counter',
        'Audit events that could not be recorded',
      )
      .sample('slb_audit_write_failures_total', {}, this.audit.auditWriteFailures)
      .describe(
        'slb_audit_events_suppressed_total',
        'counter',
        'Refused calls not recorded in the audit trail, over AUDIT_REFUSALS_PER_CLIENT',
      )
      .sample('slb_audit_events_suppressed_total', {}, this.audit.auditEventsSuppressed);
    const certificate = this.tls.certificate;
    if (certificate) {
      text
        .describe(
          'slb_tls_certificate_expiry_timestamp_seconds',
          'gauge',
          'When the certificate served to new connections expires (Unix time)',
        )
        .sample(
          'slb_tls_certificate_expiry_timestamp_seconds',
          {},
          certificate.validTo.getTime() / 1000,
        );
    }
    return text.toString();
  }

  private renderTraffic(text: PrometheusText): void {
    text
      .describe('slb_requests_total', 'counter', 'Balanced requests by app and response status')
      .describe('slb_request_duration_seconds', 'histogram', 'Balanced request duration by app')
      .describe(
        'slb_requests_interrupted_total',
        'counter',
        'Balanced requests whose answer did not reach the client whole, by app and reason',
      );
    for (const app of this.registry.all()) {
      for (const [code, count] of app.traffic.byStatus) {
        text.sample('slb_requests_total', { app: app.name, code: String(code) }, count);
      }
      text.histogram('slb_request_duration_seconds', { app: app.name }, app.traffic);
      for (const [reason, count] of app.interruptions) {
        text.sample('slb_requests_interrupted_total', { app: app.name, reason }, count);
      }
    }
    text
      .describe('slb_node_requests_total', 'counter', 'Requests answered by each node, by status')
      .describe(
        'slb_node_request_duration_seconds',
        'histogram',
        'Duration of requests answered by each node',
      )
      .describe(
        'slb_node_errors_total',
        'counter',
        'Failed attempts (refused, reset, timed out) per node',
      )
      .describe('slb_node_up', 'gauge', '1 when the node receives traffic, 0 when it is down')
      .describe('slb_node_active_requests', 'gauge', 'Requests in flight per node');
    for (const app of this.registry.all()) {
      for (const node of app.nodes) {
        const labels = { app: app.name, node: node.id };
        for (const [code, count] of node.traffic.byStatus) {
          text.sample('slb_node_requests_total', { ...labels, code: String(code) }, count);
        }
        text.histogram('slb_node_request_duration_seconds', labels, node.traffic);
        text.sample('slb_node_errors_total', labels, node.attemptFailures);
        text.sample('slb_node_up', labels, node.status === 'up' ? 1 : 0);
        text.sample('slb_node_active_requests', labels, node.activeRequests);
      }
    }
  }

  private renderRequestLogs(text: PrometheusText): void {
    const counters = this.logs.counters();
    text
      .describe(
        'slb_request_logs_recorded_total',
        'counter',
        'Request-log entries handed to the writer',
      )
      .sample('slb_request_logs_recorded_total', {}, counters.recorded)
      .describe(
        'slb_request_logs_written_total',
        'counter',
        'Request-log entries stored in MongoDB',
      )
      .sample('slb_request_logs_written_total', {}, counters.written)
      .describe(
        'slb_request_logs_dropped_total',
        'counter',
        'Request-log entries dropped (buffer full)',
      )
      .sample('slb_request_logs_dropped_total', {}, counters.dropped)
      .describe(
        'slb_request_logs_discarded_total',
        'counter',
        'Entries of apps deleted before they were written',
      )
      .sample('slb_request_logs_discarded_total', {}, counters.discarded)
      .describe('slb_request_logs_buffered', 'gauge', 'Request-log entries waiting to be written')
      .sample('slb_request_logs_buffered', {}, counters.buffered);
  }
}
