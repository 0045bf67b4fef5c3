import { type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from '@jest/globals';
import { inspectorClient, type S3Server, startS3Server } from './s3Server.js';

/**
 * Starts a server (a bucket on the run's shared one) before the tests of the enclosing `describe`
 * and stops it after them, handing the server and an inspector client to `use`.
 */
export function useS3Server(use: (server: S3Server, inspector: S3Client) => void): void {
  let server: S3Server | undefined;
  let inspector: S3Client | undefined;
  beforeAll(async () => {
    server = await startS3Server();
    inspector = inspectorClient(server);
    use(server, inspector);
  });
  afterAll(async () => {
    inspector?.destroy();
    await server?.stop();
  });
}
