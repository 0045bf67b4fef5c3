// Jest loads its global setup natively, without its transform: tsx compiles the TypeScript helper.
import { register } from 'tsx/esm/api';

/**
 * One s3rver for the whole run: each suite that needs S3 makes a bucket of its own on it (see
 * startS3Server). The test workers inherit the variables that name it.
 */
export default async function globalSetup() {
  const unregister = register();
  const { sharedDirectoryVariable, sharedEndpointVariable, startOwnS3Server } = await import('./helpers/s3Server.ts');
  const { sharedAzuriteVariable, startOwnAzurite } = await import('./helpers/azurite.ts');
  await unregister();
  const server = await startOwnS3Server('stoat-shared');
  globalThis.stoatSharedS3 = server;
  process.env[sharedEndpointVariable] = server.endpoint;
  process.env[sharedDirectoryVariable] = server.directory;
  // One Azurite too, for the GitHub Actions cache's archives: each suite's fake cache service keeps
  // them in a container of its own.
  const azurite = await startOwnAzurite();
  globalThis.stoatSharedAzurite = azurite;
  process.env[sharedAzuriteVariable] = azurite.endpoint;
}
