/**
 * The error a mistaken option fails with, and the helpers that word it ("... must be ...; got
 * ...", "unknown option 'x' (did you mean 'y'?)"): shared by RedisSim's option checks
 * (src/options.ts) and Sentinel's (src/sentinel/options.ts).
 */

/** A RedisSim.start option (or clock option) that is unknown or has an invalid value. */
export class RedisSimOptionError extends TypeError {
  override name = 'RedisSimOptionError';
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'function') return 'a function';
  if (v === null || typeof v !== 'object') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

export function fail(what: string, accepted: string, got: unknown): never {
  throw new RedisSimOptionError(`${what} must be ${accepted}; got ${show(got)}`);
}

/** The closest name by edit distance (at most 2 edits), for "did you mean". */
export function closest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const n of names) {
    const a = name.toLowerCase();
    const b = n.toLowerCase();
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0] as number;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j] as number;
        row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
    }
    const d = row[b.length] as number;
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

export function unknown(kind: string, name: string, accepted: readonly string[]): never {
  const hint = closest(name, accepted);
  throw new RedisSimOptionError(`unknown ${kind} '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}; accepted: ${accepted.join(', ')}`);
}
