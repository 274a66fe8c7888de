import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
}

export class StreamedRequestBody extends Readable {
  private attached = false;
  private bytes = 0;

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
  ) {
    super();
  }

  get started(): boolean {
    return this.attached;
  }

  fresh(): StreamedRequestBody {
    return new StreamedRequestBody(this.req, this.limit);
  }

  override _read(): void {
    if (this.attached) {
      this.req.resume();
      return;
    }
    this.attached = true;
    this.req.on('data', this.onData);
    this.req.once('end', () => this.push(null));
    this.req.once('error', (error) => this.destroy(error));
  }

  private readonly onData = (chunk: Buffer): void => {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      this.req.off('data', this.onData);
      this.destroy(new BodyTooLargeError(`body larger than ${this.limit} bytes`));
      return;
    }
    if (!this.push(chunk)) this.req.pause();
  };
}

export function readSmallBody(req: IncomingMessage, expected: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > expected) {
        reject(new BodyTooLargeError('body longer than its Content-Length'));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, received)));
    req.once('error', reject);
  });
}
