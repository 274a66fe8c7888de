import type { OpenAPIObject } from '@nestjs/swagger';

type PathItem = OpenAPIObject['paths'][string];

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'] as const;
const ERROR = { $ref: '#/components/schemas/ErrorResponseDto' };

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: ERROR } } };
}

function operation(method: string, withPath: boolean) {
  return {
    tags: ['balance'],
    operationId: `balance_${method}${withPath ? '_path' : ''}`,
    summary: 'Forward the request to a healthy node of the app',
    description:
      'Forwarded as METHOD /<path>?<query> with the request headers and body, streamed both ways; hop-by-hop ' +
      'headers are removed and X-Forwarded-For/Proto/Host and X-Request-Id are set. The answer is the ' +
      "node's status, headers and body. A refused or reset connection is retried on another node " +
      "(the app's `retries` setting); a request cut by the node closing a kept-alive connection may be " +
      'retried on a new connection to the same node when no other is left. Public apps need no token; ' +
      "private apps need the owner's token. " +
      'An upgrade request (a WebSocket handshake: `Connection: Upgrade`, `Upgrade: websocket`) goes the same ' +
      "way; when the node answers 101 the two connections are joined until either closes, and the request's " +
      'log entry (status 101, the whole session as its total time) is written then.',
    security: [{}, { bearer: [] }],
    parameters: [
      { name: 'app', in: 'path', required: true, schema: { type: 'string' } },
      ...(withPath
        ? [
            {
              name: 'path',
              in: 'path',
              required: true,
              schema: { type: 'string' },
              description: 'Forwarded path',
            },
          ]
        : []),
    ],
    responses: {
      default: { description: "The node's answer, as it is" },
      101: {
        description:
          'The node switched protocols (upgrade requests): the connection is now a tunnel to it',
      },
      401: errorResponse('Private app without a valid token (error "05")'),
      403: errorResponse('Private app, someone else\'s token (error "06")'),
      404: errorResponse('Unknown app (error "02")'),
      413: errorResponse('Body larger than MAX_PROXY_BODY (error "08")'),
      502: errorResponse('Every attempt to reach a node failed (error "04")'),
      503: errorResponse('No healthy node (error "03")'),
      504: errorResponse('The node did not answer in time (error "09")'),
    },
  };
}

function pathItem(withPath: boolean): PathItem {
  return Object.fromEntries(
    METHODS.map((method) => [method, operation(method, withPath)]),
  ) as PathItem;
}

export function balancePaths(): Record<string, PathItem> {
  return {
    '/api/balance/{app}': pathItem(false),
    '/api/balance/{app}/{path}': pathItem(true),
  };
}
