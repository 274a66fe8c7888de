import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { IncomingMessage } from 'node:http';
import { API_KEY_HEADER, hashApiKey } from '../api-keys/api-key-hash';
import type { LiveApp } from '../registry/live-app';

export type AccessVerdict = 'allowed' | 'unauthenticated' | 'forbidden';

const SCHEME = /^(?:Bearer|JWT)\s+(\S+)$/i;

@Injectable()
export class PrivateAccess {
  constructor(private readonly jwt: JwtService) {}

  check(app: LiveApp, req: IncomingMessage): AccessVerdict {
    const apiKey = req.headers[API_KEY_HEADER];
    if (typeof apiKey === 'string') {
      return app.apiKeyHashes.has(hashApiKey(apiKey)) ? 'allowed' : 'unauthenticated';
    }
    const match = SCHEME.exec(req.headers.authorization ?? '');
    if (!match) return 'unauthenticated';
    let subject: unknown;
    try {
      subject = this.jwt.verify<{ sub?: unknown }>(match[1]).sub;
    } catch {
      return 'unauthenticated';
    }
    return subject === app.ownerId ? 'allowed' : 'forbidden';
  }
}
