/** The source of truth the cache scenarios put Redis in front of: a map that counts its lookups. */
export class Source<T> {
  readonly rows = new Map<string, T>();
  lookups = 0;
  /** Lookups per id. */
  readonly byId = new Map<string, number>();

  constructor(
    rows: Record<string, T> = {},
    private readonly latency?: () => Promise<void>,
  ) {
    for (const [k, v] of Object.entries(rows)) this.rows.set(k, v);
  }

  /** The loader the cache calls. */
  load = async (id: string): Promise<T | undefined> => {
    this.lookups++;
    this.byId.set(id, (this.byId.get(id) ?? 0) + 1);
    if (this.latency) await this.latency();
    return this.rows.get(id);
  };
}
