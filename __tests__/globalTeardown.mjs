/** Stops the run's shared s3rver (started by globalSetup.mjs) and removes its folder. */
export default async function globalTeardown() {
  await globalThis.stoatSharedS3?.stop();
  globalThis.stoatSharedS3 = undefined;
}
