import { Injectable, NestMiddleware } from '@nestjs/common';
import { json } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '../config/app-config';
import { ApiError } from './api-error';
import { ErrorCode } from '../../libs/gateway-core/src/error-codes';

type Parser = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

interface BodyParserError {
  type?: string;
  limit?: number;
}

@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: Parser;
  private readonly limit: number;

  constructor(config: AppConfig) {
    this.limit = config.maxJsonBody;
    this.parse = json({ limit: config.maxJsonBody, strict: true }) as unknown as Parser;
  }

  use(req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.parse(req, res, (err?: unknown) => {
        if (!err) {
          next();
          resolve();
        } else reject(this.toApiError(err as BodyParserError));
      });
    });
  }

  private toApiError(err: BodyParserError): ApiError {
    if (err.type === 'entity.too.large') {
      return new ApiError(413, ErrorCode.BodyTooLarge, `Body larger than ${this.limit} bytes`);
    }
    if (err.type === 'entity.parse.failed') return ApiError.badPayload('Malformed JSON body');
    if (err.type === 'charset.unsupported' || err.type === 'encoding.unsupported') {
      return ApiError.badPayload('Unsupported body charset or encoding');
    }
    return ApiError.badPayload('Unreadable request body');
  }
}
