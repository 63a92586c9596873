/**
 * Parses RESP2/RESP3 replies (as written by Reply) back into values: used by the in-process API
 * (`sim.command()`), by scripts to convert replies into Lua values, and by tests.
 */

export type RespValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | RespError
  | RespStatus
  | RespDouble
  | RespValue[]
  | RespMap
  | RespSet
  | RespPush
  | RespVerbatim
  | RespBigNumber;

export class RespError {
  constructor(readonly message: string) {}
}
export class RespStatus {
  constructor(readonly value: string) {}
}
export class RespDouble {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}
}
export class RespMap {
  constructor(readonly entries: [RespValue, RespValue][]) {}
}
export class RespSet {
  constructor(readonly items: RespValue[]) {}
}
export class RespPush {
  constructor(readonly items: RespValue[]) {}
}
export class RespVerbatim {
  constructor(
    readonly format: string,
    readonly text: string,
  ) {}
}
export class RespBigNumber {
  constructor(readonly text: string) {}
}

/** An aggregate being filled: its type byte, how many elements it still needs, and those read. */
interface Frame {
  type: string;
  need: number;
  items: RespValue[];
}

/** Builds the value of a completed aggregate. */
function finish(f: Frame): RespValue {
  if (f.type === '~') return new RespSet(f.items);
  if (f.type === '>') return new RespPush(f.items);
  if (f.type === '%') {
    const entries: [RespValue, RespValue][] = [];
    for (let i = 0; i < f.items.length; i += 2) entries.push([f.items[i] as RespValue, f.items[i + 1] as RespValue]);
    return new RespMap(entries);
  }
  return f.items;
}

/**
 * Parses one complete reply starting at `pos`; returns [value, next position] or undefined if
 * incomplete. Iterative (an explicit stack of open aggregates), so nesting of any depth (a script
 * result nested to Redis's Lua stack limit is ~8000 levels) never overflows the JavaScript stack.
 */
export function parseReply(s: string, pos = 0): [RespValue, number] | undefined {
  const open: Frame[] = [];
  let next = pos;
  for (;;) {
    const nl = s.indexOf('\r\n', next);
    if (nl < 0) return undefined;
    const type = s[next];
    const line = s.slice(next + 1, nl);
    const at = next;
    next = nl + 2;
    let value: RespValue;
    switch (type) {
      case '+':
        value = new RespStatus(line);
        break;
      case '-':
        value = new RespError(line);
        break;
      case ':': {
        const n = Number(line);
        value = Number.isSafeInteger(n) ? n : BigInt(line);
        break;
      }
      case '$': {
        const len = Number(line);
        if (len < 0) {
          value = null;
          break;
        }
        if (s.length < next + len + 2) return undefined;
        value = s.slice(next, next + len);
        next += len + 2;
        break;
      }
      case '=': {
        const len = Number(line);
        if (s.length < next + len + 2) return undefined;
        const body = s.slice(next, next + len);
        value = new RespVerbatim(body.slice(0, 3), body.slice(4));
        next += len + 2;
        break;
      }
      case '_':
        value = null;
        break;
      case '#':
        value = line === 't';
        break;
      case ',':
        value = new RespDouble(line === 'inf' ? Number.POSITIVE_INFINITY : line === '-inf' ? Number.NEGATIVE_INFINITY : Number(line), line);
        break;
      case '(':
        value = new RespBigNumber(line);
        break;
      case '*':
      case '~':
      case '>':
      case '%': {
        const n = Number(line);
        if (n < 0 && type !== '%') {
          value = null;
          break;
        }
        const f: Frame = { type, need: type === '%' ? n * 2 : n, items: [] };
        if (f.need > 0) {
          open.push(f);
          continue;
        }
        value = finish(f);
        break;
      }
      case '|': {
        // An attribute (RESP3) annotates the value after it; like Redis's Lua conversion
        // (redisProtocolToLuaType_Attribute), it is parsed and dropped.
        const n = Number(line);
        if (n > 0) open.push({ type, need: n * 2, items: [] });
        continue;
      }
      default:
        throw new Error(`bad RESP type byte ${JSON.stringify(type)} at ${at}`);
    }
    // Hand the value to the innermost open aggregate, closing every aggregate it completes.
    for (;;) {
      const top = open[open.length - 1];
      if (!top) return [value, next];
      top.items.push(value);
      if (top.items.length < top.need) break;
      open.pop();
      // A completed attribute yields nothing: the value it annotates is parsed next.
      if (top.type === '|') break;
      value = finish(top);
    }
  }
}

/** Parses every reply in `s`. */
export function parseReplies(s: string): RespValue[] {
  const out: RespValue[] = [];
  let pos = 0;
  while (pos < s.length) {
    const r = parseReply(s, pos);
    if (!r) throw new Error('incomplete reply');
    out.push(r[0]);
    pos = r[1];
  }
  return out;
}
