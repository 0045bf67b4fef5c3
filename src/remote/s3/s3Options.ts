/**
 * How to reach an S3 server, beyond the bucket and prefix that the remote URL names: what the
 * Action's inputs and the CLI's options may set. Unset, each comes from the AWS environment
 * variables or the SDK's defaults. A module of types only: the faces name it without loading the SDK.
 */
export interface S3Options {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** How long a request may go without a byte before it fails (and is retried). */
  timeoutSeconds?: number;
}
