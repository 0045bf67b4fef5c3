import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ByteBudget } from '../../core/byteBudget.js';
import { IntegrityError, ObjectMissingError, RemoteConfigurationError, RemoteError, SourceChangedError } from '../../core/errors.js';
import { type ByteSink, pumpInto } from '../byteSink.js';
import { type ByteRange, type ListedObject, type Remote, sourceLength, type WriteSource } from '../remote.js';
import { readSentBytes, SentContent } from '../sentContent.js';
import { largeReadTransport } from './largeReadTransport.js';
import { deleteInBatches } from './s3Delete.js';
import { readRangeWithRetries } from './rangeRetry.js';
import { multipartThreshold, uploadInParts } from './s3Multipart.js';
import { type S3Options } from './s3Options.js';
import { DirectHttpHandler } from './transport/directHttpHandler.js';
import { ResponseBody } from './transport/responseBody.js';

/** No byte for this long on an open request means the server has stalled. */
export const defaultTimeoutSeconds = 30;
/**
 * The SDK's attempts per request: a stalled or failing server costs at most this many timeouts.
 * Ranged part reads make one attempt each and are retried by readRangeWithRetries instead.
 */
const attemptsPerRequest = 3;
/**
 * File bytes held in memory for sending, by every upload of this remote together: each is read and
 * checked before it is sent. Four parts of 16 MiB in flight upload 1 GiB to s3rver as fast as eight
 * did (within 5%), with 64 MiB less memory.
 */
const sendBudgetBytes = 64 * 1024 * 1024;

/**
 * S3 and S3-compatible servers. Credentials come from the SDK's default chain: the standard AWS
 * environment variables (what aws-actions/configure-aws-credentials exports), profiles, SSO, web
 * identity and instance roles.
 */
export class S3Remote implements Remote {
  readonly display: string;
  private readonly client: S3Client;
  /** Ranged GETs of large objects, whose answers go straight into a ByteSink (see readInto). */
  private readonly partClient: S3Client;
  private readonly sendBudget = new ByteBudget(sendBudgetBytes);

  constructor(
    private readonly bucket: string,
    /** Key prefix inside the bucket, empty or ending in `/`. */
    private readonly prefix: string,
    options: S3Options = {},
  ) {
    this.display = `s3://${bucket}/${prefix}`.replace(/\/$/, '');
    const endpoint = options.endpoint ?? (process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined);
    const timeoutMilliseconds = (options.timeoutSeconds ?? defaultTimeoutSeconds) * 1000;
    const configuration = {
      region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      ...(endpoint === undefined ? {} : { endpoint }),
      // S3-compatible servers rarely have per-bucket host names.
      forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
      // We verify every byte with sha256 ourselves; the SDK's default extra checksums use
      // aws-chunked uploads that many S3-compatible servers refuse.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    } as const;
    const sdkHandler = {
      connectionTimeout: Math.min(10_000, timeoutMilliseconds),
      requestTimeout: timeoutMilliseconds,
      // Without this the handler only logs a stalled request and waits on.
      throwOnRequestTimeout: true,
    };
    this.client = withoutNodeVersionNotice(() => new S3Client({ ...configuration, maxAttempts: attemptsPerRequest, requestHandler: sdkHandler }));
    const partHandler = largeReadTransport(process.env) === 'direct' ? new DirectHttpHandler(timeoutMilliseconds) : sdkHandler;
    // The same credentials, resolved once for both clients (an SSO or instance role is asked once).
    this.partClient = new S3Client({ ...configuration, maxAttempts: 1, credentials: this.client.config.credentials, requestHandler: partHandler });
  }

  locate(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  async list(prefix: string): Promise<ListedObject[]> {
    const objects: ListedObject[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.send(`list ${this.locate(prefix)}`, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken: continuationToken }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        objects.push({ key: object.Key.slice(this.prefix.length), size: object.Size ?? 0, modified: object.LastModified?.getTime() ?? 0 });
      }
      continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    return objects;
  }

  /** One request: S3 lists in ascending key order and stops at `MaxKeys` (at most 1000). */
  async listFirst(prefix: string, count: number): Promise<ListedObject[]> {
    const page = await this.send(`list ${this.locate(prefix)}`, () =>
      this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, MaxKeys: Math.min(Math.max(count, 1), 1000) })),
    );
    return (page.Contents ?? [])
      .filter((object) => object.Key !== undefined)
      .slice(0, count)
      .map((object) => ({ key: object.Key!.slice(this.prefix.length), size: object.Size ?? 0, modified: object.LastModified?.getTime() ?? 0 }));
  }

  async exists(key: string): Promise<boolean> {
    return (await this.existingLength(key)) !== undefined;
  }

  /** The length of the object, or undefined when there is none. */
  private async existingLength(key: string): Promise<number | undefined> {
    try {
      const answer = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return answer.ContentLength ?? 0;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.failure(`check ${this.locate(key)}`, error);
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    if (range !== undefined && range.length === 0) return Readable.from([]);
    return this.get(this.client, key, range);
  }

  /**
   * Hands a range's bytes to `sink` from the connection's own buffer: for the parts of a large
   * object, where a Buffer per read would cost more CPU than the transfer (see HttpConnection).
   * A read cut off or refused for a while is tried again from where it stopped (readRangeWithRetries).
   */
  async readInto(key: string, range: ByteRange, sink: ByteSink): Promise<void> {
    if (range.length === 0) return;
    await readRangeWithRetries(range, sink, async (rest, restSink) => {
      const body = await this.get(this.partClient, key, rest);
      // Through the SDK's handler (STOAT_S3_TRANSPORT=sdk, or a proxy) the body is a stream.
      if (body instanceof ResponseBody) await body.receiveInto(restSink);
      else await pumpInto(body, restSink);
    });
  }

  private async get(client: S3Client, key: string, range: ByteRange | undefined): Promise<Readable> {
    const header = range === undefined ? undefined : `bytes=${range.offset}-${range.offset + range.length - 1}`;
    try {
      const response = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Range: header }));
      if (response.Body === undefined) throw new ObjectMissingError(key);
      // A server that ignores Range would hand back bytes from the wrong place.
      if (range !== undefined && response.ContentRange?.startsWith(`bytes ${range.offset}-`) !== true) {
        (response.Body as Readable).destroy();
        throw new RemoteError(`${this.locate(key)} was asked for bytes ${range.offset}–${range.offset + range.length - 1} but the server answered ${response.ContentRange ?? 'the whole object'}: use a server that supports ranged GET`, this.display);
      }
      return response.Body as Readable;
    } catch (error) {
      if (error instanceof ObjectMissingError) throw error;
      // A range past the end means the object is shorter than the manifest says: damage, not an outage.
      if (statusOf(error) === 416) throw new IntegrityError(`${this.locate(key)} is shorter than the manifest says`, key);
      if (statusOf(error) === 404 && errorName(error) !== 'NoSuchBucket') throw new ObjectMissingError(key);
      throw this.failure(`read ${this.locate(key)}`, error);
    }
  }

  /**
   * Sends `If-None-Match: *` so that S3 itself refuses to overwrite; servers that ignore the header
   * are covered by the existence check before it, which is safe because names are content hashes.
   */
  async writeIfAbsent(key: string, source: WriteSource, contentAddressed = false): Promise<boolean> {
    const existing = await this.existingLength(key);
    if (existing !== undefined) {
      if (!contentAddressed || existing === sourceLength(source)) return false;
      await this.replace(key, source);
      return true;
    }
    try {
      await this.put(key, source, true);
      return true;
    } catch (error) {
      if (error instanceof SourceChangedError) throw error;
      if (statusOf(error) === 412 || errorName(error) === 'ConditionalRequestConflict') return false;
      throw this.failure(`write ${this.locate(key)}`, error);
    }
  }

  /** A PUT replaces an object atomically: readers see the old or the new bytes. */
  async replace(key: string, source: WriteSource): Promise<void> {
    try {
      await this.put(key, source, false);
    } catch (error) {
      if (error instanceof SourceChangedError) throw error;
      throw this.failure(`write ${this.locate(key)}`, error);
    }
  }

  /** DeleteObjects, up to 1,000 keys a request (s3Delete.ts); keys S3 refuses are named in the error. */
  async delete(keys: readonly string[]): Promise<void> {
    const target = { client: this.client, bucket: this.bucket, prefix: this.prefix };
    const refused = await this.send(`delete objects in ${this.display}`, () => deleteInBatches(target, keys));
    if (refused.length === 0) return;
    const named = refused.slice(0, 3).map((entry) => `${this.locate(entry.key)} (${entry.reason})`);
    throw new RemoteError(
      `S3 refused to delete ${refused.length} of ${keys.length} objects, ${named.join(', ')}${refused.length > 3 ? ' and more' : ''}: check that the credentials may delete objects in this bucket and prefix`,
      this.display,
    );
  }

  private async put(key: string, source: WriteSource, ifAbsent: boolean): Promise<void> {
    const target = { client: this.client, bucket: this.bucket, key: this.prefix + key, budget: this.sendBudget };
    if ('bytes' in source) return this.putBytes(target.key, source.bytes, source.sha256, ifAbsent);
    if (source.size >= multipartThreshold) return uploadInParts(target, source, ifAbsent);
    // Read whole and checked before the request starts: a file that changed since it was hashed is
    // refused before a byte is sent, and a retried request resends the same bytes.
    await this.sendBudget.with(source.size, async () => {
      const bytes = Buffer.allocUnsafe(source.size);
      const sent = new SentContent(source);
      await readSentBytes(source, 0, bytes, sent);
      sent.check();
      await this.putBytes(target.key, bytes, source.sha256, ifAbsent);
    });
  }

  /** With the sha256 known, S3 checks it too and refuses bytes that do not match (BadDigest). */
  private async putBytes(key: string, bytes: Uint8Array, sha256: string | undefined, ifAbsent: boolean): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.length,
        ...(sha256 === undefined ? {} : { ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64') }),
        ...(ifAbsent ? { IfNoneMatch: '*' } : {}),
      }),
    );
  }

  private async send<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.failure(action, error);
    }
  }

  private failure(action: string, error: unknown): Error {
    const name = errorName(error);
    if (name === 'NoSuchBucket') {
      return new RemoteConfigurationError(
        `the S3 bucket "${this.bucket}" does not exist (${this.display}): create it, or fix the bucket name in the remote URL`,
      );
    }
    const status = statusOf(error);
    const detail = [name, status === undefined ? undefined : `HTTP ${status}`, (error as Error).message].filter(Boolean).join(', ');
    const hint =
      status === 403 || name === 'CredentialsProviderError'
        ? 'check the AWS credentials and that they may read and write this bucket and prefix'
        : 'check that the S3 server is reachable and the endpoint and region are right';
    return new RemoteError(`could not ${action} (${detail}): ${hint}`, this.display, { cause: error });
  }
}

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

/**
 * The SDK tells every process on Node 20 (in nine lines) that its releases after January 2027 will
 * need Node 22. stoat runs the copy bundled with it, which those releases never replace, so the
 * notice is not for stoat's users. It is read while a client is made; the variable that turns it
 * off is set only for that moment, so the commands stoat runs never inherit it.
 */
function withoutNodeVersionNotice<T>(make: () => T): T {
  const name = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  const before = process.env[name];
  process.env[name] = 'true';
  try {
    return make();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}
