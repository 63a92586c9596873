/**
 * The node's configuration: every parameter CONFIG GET/SET knows, with its default, its type and
 * Redis's validation. Values are stored as the strings CONFIG GET reports.
 *
 * The parameter table lives in config-table.ts; this file holds the store.
 */
import { CONFIG_TABLE, type ConfigParam } from './config-table.js';

export class ConfigStore {
  private readonly values = new Map<string, string>();
  private readonly params = new Map<string, ConfigParam>();
  private readonly listeners = new Map<string, ((value: string) => void)[]>();

  constructor(overrides: Record<string, string> = {}) {
    for (const p of CONFIG_TABLE) {
      this.params.set(p.name, p);
      for (const a of p.aliases ?? []) this.params.set(a, p);
      this.values.set(p.name, p.default);
    }
    for (const [k, v] of Object.entries(overrides)) {
      const p = this.params.get(k.toLowerCase());
      if (!p) continue;
      // Values are stored as CONFIG GET reports them ("1gb" → "1073741824"); a bad one is fatal,
      // as in redis-server's config loading.
      let value = v;
      if (p.normalize) {
        try {
          value = p.normalize(v, this.values.get(p.name) as string);
        } catch (e) {
          throw new Error(`Invalid value for config '${p.name}': '${v}': ${(e as Error).message}`);
        }
      }
      this.values.set(p.name, value);
    }
  }

  /** The parameter for a name or alias (case-insensitive; the code's own lowercase names need no copy). */
  param(name: string): ConfigParam | undefined {
    return this.params.get(name) ?? this.params.get(name.toLowerCase());
  }

  /** Canonical parameters in table order. */
  all(): ConfigParam[] {
    return CONFIG_TABLE;
  }

  get(name: string): string {
    const p = this.param(name);
    if (!p) throw new Error(`unknown config parameter ${name}`);
    return this.values.get(p.name) as string;
  }

  getInt(name: string): number {
    return Number(this.get(name));
  }

  /** Stores an already validated value and tells the listeners. */
  setRaw(name: string, value: string): void {
    const p = this.param(name);
    if (!p) throw new Error(`unknown config parameter ${name}`);
    this.values.set(p.name, value);
    for (const fn of this.listeners.get(p.name) ?? []) fn(value);
  }

  /** Calls `fn` whenever `name` changes. */
  onChange(name: string, fn: (value: string) => void): void {
    const p = this.param(name);
    if (!p) throw new Error(`unknown config parameter ${name}`);
    const list = this.listeners.get(p.name) ?? [];
    list.push(fn);
    this.listeners.set(p.name, list);
  }
}
