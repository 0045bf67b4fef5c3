/** Stops the run's shared s3rver (started by globalSetup.mjs) and removes its folder, and the shared Azurite. */
export default async function globalTeardown() {
  await globalThis.stoatSharedS3?.stop();
  globalThis.stoatSharedS3 = undefined;
  await globalThis.stoatSharedAzurite?.stop();
  globalThis.stoatSharedAzurite = undefined;
}
