/**
 * Batches calls made before the event loop next checks (setImmediate): `run` gets every item asked for
 * in that turn, in order, and returns one result per item. Used where one statement can answer many
 * concurrent lookups (docs/PERFORMANCE.md); an item is sent after it was asked for, never before.
 * If `run` throws, every call of the batch fails with that error.
 */
export function batched<T, R>(run: (items: T[]) => Promise<R[]>): (item: T) => Promise<R> {
  let pending: { item: T; resolve(result: R): void; reject(error: unknown): void }[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      const results = await run(batch.map((entry) => entry.item));
      for (const [index, entry] of batch.entries()) entry.resolve(results[index] as R);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ item, resolve, reject });
    });
}
