/**
 * jemalloc's size classes (x86-64, 16-byte quantum): what an allocation of n bytes really takes.
 * MEMORY USAGE, the query buffer's qbuf-free and the script cache's memory fields all report
 * allocator sizes, as Redis's zmalloc_size does.
 */
export function mallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const lg = Math.floor(Math.log2(n - 1));
  const step = 2 ** (lg - 2);
  return Math.ceil(n / step) * step;
}
