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

/** Parses one complete reply starting at `pos`; returns [value, next position] or undefined if incomplete. */
export function parseReply(s: string, pos = 0): [RespValue, number] | undefined {
  const nl = s.indexOf('\r\n', pos);
  if (nl < 0) return undefined;
  const type = s[pos];
  const line = s.slice(pos + 1, nl);
  let next = nl + 2;
  const many = (n: number): [RespValue[], number] | undefined => {
    const items: RespValue[] = [];
    for (let i = 0; i < n; i++) {
      const r = parseReply(s, next);
      if (!r) return undefined;
      items.push(r[0]);
      next = r[1];
    }
    return [items, next];
  };
  switch (type) {
    case '+':
      return [new RespStatus(line), next];
    case '-':
      return [new RespError(line), next];
    case ':': {
      const n = Number(line);
      return [Number.isSafeInteger(n) ? n : BigInt(line), next];
    }
    case '$': {
      const len = Number(line);
      if (len < 0) return [null, next];
      if (s.length < next + len + 2) return undefined;
      return [s.slice(next, next + len), next + len + 2];
    }
    case '=': {
      const len = Number(line);
      if (s.length < next + len + 2) return undefined;
      const body = s.slice(next, next + len);
      return [new RespVerbatim(body.slice(0, 3), body.slice(4)), next + len + 2];
    }
    case '_':
      return [null, next];
    case '#':
      return [line === 't', next];
    case ',': {
      const v = line === 'inf' ? Number.POSITIVE_INFINITY : line === '-inf' ? Number.NEGATIVE_INFINITY : Number(line);
      return [new RespDouble(v, line), next];
    }
    case '(':
      return [new RespBigNumber(line), next];
    case '*':
    case '~':
    case '>': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const r = many(n);
      if (!r) return undefined;
      if (type === '~') return [new RespSet(r[0]), r[1]];
      if (type === '>') return [new RespPush(r[0]), r[1]];
      return r;
    }
    case '%': {
      const n = Number(line);
      const r = many(n * 2);
      if (!r) return undefined;
      const entries: [RespValue, RespValue][] = [];
      for (let i = 0; i < r[0].length; i += 2) entries.push([r[0][i] as RespValue, r[0][i + 1] as RespValue]);
      return [new RespMap(entries), r[1]];
    }
    default:
      throw new Error(`bad RESP type byte ${JSON.stringify(type)} at ${pos}`);
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
