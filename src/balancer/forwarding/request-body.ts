import { Duplex, Readable } from 'node:stream';

export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
}

/** Counted across the copies a retry makes of a body, and while the rest of it is dropped. */
interface ReceivedBytes {
  count: number;
  /** The rest of the body is being read and dropped (and counted). */
  dropping: boolean;
}

export class StreamedRequestBody extends Readable {
  private attached = false;
  private discarded = false;

  constructor(
    private readonly req: Readable,
    private readonly limit: number,
    private readonly received: ReceivedBytes = { count: 0, dropping: false },
  ) {
    super();
  }

  get started(): boolean {
    return this.attached;
  }

  /** Bytes of the body that arrived from the client: forwarded, or read and dropped. */
  get bytesReceived(): number {
    return this.received.count;
  }

  fresh(): StreamedRequestBody {
    return new StreamedRequestBody(this.req, this.limit, this.received);
  }

  override _read(): void {
    if (this.discarded) return;
    if (this.attached) {
      this.req.resume();
      return;
    }
    this.attached = true;
    this.req.on('data', this.onData);
    this.req.once('end', () => this.push(null));
    this.req.once('error', (error) => this.destroy(error));
  }

  /**
   * Reads and drops what is left of the body, once the node has answered without it: left paused, it
   * would stall the client's upload and the connection's next request.
   */
  discardRest(): void {
    this.discarded = true;
    this.req.off('data', this.onData);
    if (!this.received.dropping) {
      this.received.dropping = true;
      this.req.on('data', (chunk: Buffer) => (this.received.count += chunk.length));
    }
    this.req.resume();
  }

  /** Once undici lets go of a body it started reading (answered, aborted or done), the rest is dropped. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.attached) this.discardRest();
    callback(error);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.received.count += chunk.length;
    if (this.received.count > this.limit) {
      this.req.off('data', this.onData);
      this.destroy(new BodyTooLargeError(`body larger than ${this.limit} bytes`));
      return;
    }
    if (!this.push(chunk) && !this.discarded) this.req.pause();
  };
}

export function readSmallBody(req: Readable, expected: number): Promise<Buffer> {
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

/**
 * The body of a request that came with an Upgrade header. Node hands such a request over as an upgrade,
 * with the bytes that followed its headers in `head` and the rest still on the socket: this reads exactly
 * `length` of them, and leaves the socket paused after.
 */
export function bodyOnUpgradedSocket(head: Buffer, socket: Duplex, length: number): Readable {
  let remaining = length;
  const body = new Readable({ read: () => void socket.resume() });
  const take = (chunk: Buffer): void => {
    const part = chunk.subarray(0, remaining);
    remaining -= part.length;
    const wantsMore = part.length === 0 || body.push(part);
    if (remaining === 0) {
      finish();
      body.push(null);
    } else if (!wantsMore) socket.pause();
  };
  const cut = (): void => {
    finish();
    body.destroy(new Error('the connection closed before the whole body arrived'));
  };
  const finish = (): void => {
    socket.off('data', take);
    socket.off('end', cut);
    socket.off('close', cut);
    socket.pause();
  };
  socket.on('data', take);
  socket.once('end', cut);
  socket.once('close', cut);
  take(head);
  return body;
}
