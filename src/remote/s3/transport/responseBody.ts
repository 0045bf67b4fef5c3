import { Readable } from 'node:stream';
import { type ByteSink } from '../../byteSink.js';
import { type HttpConnection } from './httpConnection.js';

/**
 * The body of a response on an HttpConnection. `receiveInto` hands its bytes to a sink straight from
 * the connection's buffer; read as an ordinary stream instead, each read is copied into a Buffer of
 * its own, which is what any other consumer (the SDK's, for one) expects.
 */
export class ResponseBody extends Readable {
  private receiving = false;
  private finished = false;
  private wantMore: (() => void) | undefined;

  constructor(
    private readonly connection: HttpConnection,
    /** Called once the body is over, read to the end or not, so the connection can be reused or closed. */
    private readonly onDone: () => void,
  ) {
    super();
  }

  async receiveInto(sink: ByteSink): Promise<void> {
    if (this.receiving) throw new Error('a response body can be read only once');
    this.receiving = true;
    try {
      await this.connection.receiveBody(sink);
    } finally {
      this.done();
    }
  }

  override _read(): void {
    if (this.wantMore !== undefined) {
      const more = this.wantMore;
      this.wantMore = undefined;
      more();
      return;
    }
    if (this.receiving) return;
    this.receiving = true;
    const sink: ByteSink = {
      take: (bytes) => (this.push(Buffer.from(bytes)) ? undefined : new Promise<void>((resolve) => (this.wantMore = resolve))),
    };
    this.connection.receiveBody(sink).then(
      () => {
        this.done();
        this.push(null);
      },
      (error: Error) => {
        this.done();
        this.destroy(error);
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Left before its end, the rest of the body is still on the way: the connection cannot be reused.
    if (!this.finished) this.connection.destroy();
    this.done();
    callback(error);
  }

  private done(): void {
    if (this.finished) return;
    this.finished = true;
    this.onDone();
  }
}
