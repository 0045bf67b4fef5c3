/**
 * Where small files are handled on the main thread, and how often that work lets the event loop
 * turn. For a file of a few kilobytes, the round trips through libuv's thread pool (open, read,
 * close, chmod: a hand-off to a pool thread and back each) cost many times what its bytes do; done
 * synchronously on this thread they cost microseconds. A restore of 100,000 files of 1 KiB made two
 * million futex calls through the pool. Larger files go through the pool (or the hashing workers),
 * where their reads overlap one another and a slow disk never stalls the event loop for long.
 */

/** Files up to this size are read and hashed on this thread (outputs' sha256, pack members). */
export const readHereLimit = 64 * 1024;

/**
 * The three-digest hashing of inputs reads files up to this size on this thread: it hands their
 * chunks to the hashing workers, and below this a read from the page cache costs less than its
 * round trip through the pool.
 */
export const hashReadHereLimit = 256 * 1024;

/** Restored files up to this size are gathered in memory, verified, then written whole with synchronous calls. */
export const wholeWriteLimit = 1024 * 1024;

/** Synchronous work over many files gives the event loop a turn after this many files… */
export const filesBetweenTurns = 256;

/** …or after this many bytes, so that transfers in flight, workers' answers and timers are not held up. */
export const bytesBetweenTurns = 1024 * 1024;
