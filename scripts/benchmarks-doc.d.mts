/** docs/benchmarks.md's text for the given bench/RESULTS.md text. */
export function benchmarksDoc(results: string): string;
