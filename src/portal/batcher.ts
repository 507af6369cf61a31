/**
 * Group commit for look-ups: requests that arrive within a short linger, or while the
 * database is busy, are answered together by one transaction and one set-based
 * statement, so the cost of a transaction (role, scope, begin/commit, planning) is
 * shared by many requests under load.
 */
export interface BatcherOptions {
  /** Most items in one batch. */
  readonly maxBatch: number;
  /** Most batches running at once (keep below the connection pool size). */
  readonly maxInFlight: number;
  /**
   * How long a request may wait for others to join its batch (0: never). The status
   * check answers no sooner than its time floor anyway, so a wait below it is free.
   */
  readonly lingerMs?: number;
}

/**
 * @example
 * const lookUp = createBatcher((inputs) => db.transaction((tx) => checkNiks(tx, deps, inputs), actor), { maxBatch: 64, maxInFlight: 4 });
 * const result = await lookUp({ nik, name });
 */
export function createBatcher<I, O>(run: (items: I[]) => Promise<O[]>, opts: BatcherOptions): (item: I) => Promise<O> {
  const queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  const pump = () => {
    if (timer) { clearTimeout(timer); timer = undefined; }
    while (inFlight < opts.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, opts.maxBatch);
      inFlight++;
      run(batch.map((b) => b.item)).then(
        (out) => batch.forEach((b, i) => b.resolve(out[i]!)),
        (err: unknown) => batch.forEach((b) => b.reject(err)),
      ).finally(() => { inFlight--; pump(); });
    }
  };
  const linger = opts.lingerMs ?? 0;
  return (item) => new Promise<O>((resolve, reject) => {
    queue.push({ item, resolve, reject });
    if (linger <= 0 || queue.length >= opts.maxBatch) pump();
    else timer ??= setTimeout(pump, linger);
  });
}
