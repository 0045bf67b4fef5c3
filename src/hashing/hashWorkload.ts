export type HashAlgorithm = 'md5' | 'sha1' | 'sha256';

/** For one file, the algorithms each worker computes over its bytes; an empty list: the worker never sees the file. */
export type DigestPlan = HashAlgorithm[][];

/** What a worker reports it spent per algorithm on one message. */
export type HashTimings = Partial<Record<HashAlgorithm, { bytes: number; milliseconds: number }>>;

/**
 * Starting costs in nanoseconds per byte, from OpenSSL on an x86-64 core with SHA extensions. Only
 * their ratios matter, and measured costs replace them as soon as the workers have hashed enough.
 */
const defaultNanosecondsPerByte: Record<HashAlgorithm, number> = { md5: 2.5, sha1: 1.0, sha256: 1.0 };
const bytesBeforeTrustingMeasurements = 4 * 1024 * 1024;

/**
 * Decides which worker computes which digest of each file so that both stay busy: one large file is
 * split by digest (md5 on one core, sha1 and sha256 on the other), small files go whole to the
 * worker with less queued work. The queued work is an estimate, in nanoseconds, of bytes handed to a
 * worker and not yet hashed, from the cost of each algorithm measured on this machine.
 */
export class HashWorkload {
  private readonly queued: number[];
  private readonly measured = new Map<HashAlgorithm, { bytes: number; milliseconds: number }>();
  /** Every plan for each list of algorithms, computed once: planning happens for every file. */
  private readonly candidates = new Map<string, DigestPlan[]>();

  constructor(readonly workerCount: number) {
    this.queued = new Array<number>(workerCount).fill(0);
  }

  /** The plan that leaves the busiest worker least busy once this file is queued. */
  plan(size: number, algorithms: readonly HashAlgorithm[]): DigestPlan {
    let best: DigestPlan | undefined;
    let bestBusiest = Infinity;
    let bestWorkersUsed = Infinity;
    for (const plan of this.plansFor(algorithms)) {
      let busiest = 0;
      let workersUsed = 0;
      plan.forEach((assigned, worker) => {
        if (assigned.length > 0) workersUsed++;
        busiest = Math.max(busiest, this.queued[worker]! + this.cost(assigned, size));
      });
      // Equal finishing times: fewer workers per file means fewer messages and segments.
      if (busiest < bestBusiest || (busiest === bestBusiest && workersUsed < bestWorkersUsed)) {
        [best, bestBusiest, bestWorkersUsed] = [plan, busiest, workersUsed];
      }
    }
    return best!;
  }

  /** The estimated nanoseconds each worker spends on `bytes` bytes under `plan`. */
  costs(plan: DigestPlan, bytes: number): number[] {
    return plan.map((assigned) => this.cost(assigned, bytes));
  }

  private cost(algorithms: readonly HashAlgorithm[], bytes: number): number {
    let nanosecondsPerByte = 0;
    for (const algorithm of algorithms) nanosecondsPerByte += this.nanosecondsPerByte(algorithm);
    return bytes * nanosecondsPerByte;
  }

  private plansFor(algorithms: readonly HashAlgorithm[]): DigestPlan[] {
    const key = algorithms.join(' ');
    let plans = this.candidates.get(key);
    if (plans === undefined) this.candidates.set(key, (plans = everyPlan(algorithms, this.workerCount)));
    return plans;
  }

  queue(costs: readonly number[]): void {
    costs.forEach((cost, worker) => (this.queued[worker]! += cost));
  }

  done(worker: number, cost: number): void {
    this.queued[worker] = Math.max(0, this.queued[worker]! - cost);
  }

  observe(timings: HashTimings): void {
    for (const [algorithm, timing] of Object.entries(timings) as [HashAlgorithm, { bytes: number; milliseconds: number }][]) {
      const total = this.measured.get(algorithm) ?? { bytes: 0, milliseconds: 0 };
      total.bytes += timing.bytes;
      total.milliseconds += timing.milliseconds;
      this.measured.set(algorithm, total);
    }
  }

  private nanosecondsPerByte(algorithm: HashAlgorithm): number {
    const total = this.measured.get(algorithm);
    if (total === undefined || total.bytes < bytesBeforeTrustingMeasurements) return defaultNanosecondsPerByte[algorithm];
    return (total.milliseconds * 1e6) / total.bytes;
  }
}

/** Every way to give each algorithm to one of the workers: workerCount ** algorithms.length plans. */
function everyPlan(algorithms: readonly HashAlgorithm[], workerCount: number): DigestPlan[] {
  let plans: DigestPlan[] = [Array.from({ length: workerCount }, () => [])];
  for (const algorithm of algorithms) {
    plans = plans.flatMap((plan) =>
      plan.map((_, chosen) => plan.map((assigned, worker) => (worker === chosen ? [...assigned, algorithm] : assigned))),
    );
  }
  return plans;
}
