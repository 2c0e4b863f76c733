/**
 * A dependency imported on first use instead of at start-up: for packages only some requests need,
 * whose loading would delay readiness and hold memory in every idle process (docs/PERFORMANCE.md
 * "Start-up"). The returned function resolves to the same module on every call.
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    return loading;
  };
}
