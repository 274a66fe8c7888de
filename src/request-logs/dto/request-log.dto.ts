import { ApiProperty } from '@nestjs/swagger';
import { INTERRUPTIONS, Interruption } from '../request-log-entry';

/** One balanced request, as `GET /api/logs/:app` lists it. */
export class RequestLogDto {
  @ApiProperty({
    format: 'date-time',
    example: '2026-01-01T10:00:00.123Z',
    description: 'When the request finished (its response was sent or it failed)',
  })
  date: string;

  @ApiProperty({ example: 'GET' })
  method: string;

  @ApiProperty({
    example: '/orders/42',
    description: 'The path the node received, without the query string',
  })
  path: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '10.0.0.5:8080',
    description: 'The node that answered (host:port), null when none did',
  })
  end_point: string | null;

  @ApiProperty({ example: 200, description: 'The status code the client got' })
  response_code: number;

  @ApiProperty({
    example: 12.4,
    description: 'Time from the request arriving to the response finishing (ms)',
  })
  total_time_ms: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 11.9,
    description: 'Time spent waiting on the node that answered (ms), null when none did',
  })
  upstream_time_ms: number | null;

  @ApiProperty({
    example: '6f1c1d6e-7f5a-4c43-9b58-1b1f0e1e2f3a',
    description: 'The X-Request-Id of the request',
  })
  request_id: string;

  @ApiProperty({ example: '203.0.113.7' })
  client_ip: string;

  @ApiProperty({
    example: 1,
    description: 'Number of nodes tried (retries on refused or reset connections)',
  })
  attempts: number;

  @ApiProperty({
    type: [String],
    example: ['10.0.0.5:8080'],
    description: 'The nodes tried, in order',
  })
  nodes_tried: string[];

  @ApiProperty({
    example: 0,
    description: 'Request body bytes received from the client by the time the answer ended',
  })
  bytes_in: number;

  @ApiProperty({ example: 512, description: 'Response body bytes sent to the client' })
  bytes_out: number;

  @ApiProperty({
    enum: INTERRUPTIONS,
    nullable: true,
    example: null,
    description:
      'Why the answer did not reach the client whole, null when it did: the node failed (`node_failed`) or ' +
      'ran out of timeout_ms (`node_timeout`) after its status was sent, which then stands in response_code; ' +
      'the client closed the connection first (`client_closed`, with 499 if it had no status yet); or a ' +
      'shutdown closed it (`shutdown`)',
  })
  interrupted: Interruption | null;
}

export class RequestLogPageDto {
  @ApiProperty({ type: [RequestLogDto], description: 'Newest first' })
  logs: RequestLogDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Pass as `cursor` to get the next (older) page; null on the last page. Walking the pages returns every ' +
      'entry once, even while new requests are logged. A filtered page that reads LOG_PAGE_SCAN_LIMIT stored ' +
      'entries before it fills up holds fewer entries than `limit`, possibly none, and still has a cursor.',
  })
  next_cursor: string | null;
}

/** The response of `GET /api/logs/:app`. */
export class AppRequestLogsDto extends RequestLogPageDto {
  @ApiProperty({ example: 'shop' })
  app_name: string;
}
