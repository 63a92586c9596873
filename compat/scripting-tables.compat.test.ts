/**
 * Lua tables laid out as Lua 5.1's ltable.c lays them out: the order pairs/next walk, and so the
 * order of cjson.encode's and cmsgpack.pack's keys and of replies built by iterating; the border
 * `#` finds in tables with holes; table.sort's (unstable) quicksort.
 */
import { compatSuite } from './harness.js';

const E = (script: string, ...rest: string[]) => ['EVAL', script, '0', ...rest];

/** A deterministic pseudo-random generator (xorshift32), so the generated scripts are the same every run. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** A random mix of assignments and deletions of string, integer, float and boolean keys. */
function randomTableScript(seed: number, ops: number): string {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T;
  const lines = ['local t = {}'];
  for (let i = 0; i < ops; i++) {
    const key = pick([
      () => `"s${Math.floor(r() * 30)}"`,
      () => String(1 + Math.floor(r() * 40)),
      () => String(-Math.floor(r() * 5)),
      () => (r() * 100).toFixed(2),
      () => pick(['true', 'false']),
      () => `"${'x'.repeat(1 + Math.floor(r() * 40))}"`,
    ])();
    lines.push(r() < 0.25 ? `t[${key}] = nil` : `t[${key}] = ${i}`);
  }
  return lines.join(' ');
}

/** A script that returns the keys and values of `expr` in pairs() order, flattened. */
const walk = (setup: string) =>
  E(`${setup} local out = {} for k, v in pairs(t) do out[#out+1] = tostring(k) out[#out+1] = tostring(v) end return out`);

compatSuite('scripting tables', [
  {
    name: 'pairs order of constructors',
    cmds: [
      walk('local t = {attempts=0, priority=3, delay=0, jobId="x", name="n"}'),
      walk('local t = {a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9, j=10, k=11, l=12, m=13, n=14, o=15, p=16, q=17}'),
      walk('local t = {1, 2, x="y", 3, [10]=10, [2.5]="f", [true]="t", [false]="f", [-1]="m"}'),
      walk('local t = {"a", "b", "c", nil, "e", n=5}'),
      walk('local t = {[1]="one", [2]="two", [4]="four", [8]="eight"}'),
      walk('local t = {x=1, ["with space"]="s", [""]="empty", ["\\0bin"]="b"}'),
      walk('local function f() return 1, 2, 3 end local t = {k="v", f()}'),
      walk('local function f(...) return {n=select("#", ...), ...} end local t = f("a", nil, "c")'),
    ],
  },
  {
    name: 'pairs order after assignments, deletions and rehashes',
    cmds: [
      walk('local t = {} for i = 1, 20 do t["k" .. i] = i end'),
      walk('local t = {} for i = 20, 1, -1 do t["k" .. i] = i end'),
      walk('local t = {} for i = 1, 10 do t[i * 3] = i end'),
      walk('local t = {} for i = 1, 10 do t[i] = i end for i = 1, 10, 2 do t[i] = nil end t.x = 1 t.y = 2'),
      walk('local t = {} t.a = 1 t.b = 2 t.a = nil t.c = 3 t.a = 4 t.d = 5'),
      walk('local t = {} t[1] = 1 t.x = nil t.y = nil t.z = 1 t[2] = 2 t[3] = 3'),
      walk('local t = {} t[3] = 3 t[2] = 2 t[1] = 1 t[0] = 0 t[-1] = -1 t[0.5] = 0.5 t[1e10] = 1'),
      walk('local t = {} for i = 1, 100 do t[i] = i end for i = 1, 95 do t[i] = nil end t.x = "x"'),
      walk('local t = {} for i = 1, 40 do t[tostring(i)] = i end for i = 1, 40, 3 do t[tostring(i)] = nil end'),
      E(
        'local t = {a=1, b=2, c=3, d=4} local out = {} for k in pairs(t) do out[#out+1] = k t[k] = nil end t.e = 5 for k in pairs(t) do out[#out+1] = k end return out',
      ),
      E('local t = {a=1, b=2, c=3} local k1 = next(t) local k2 = next(t, k1) return {k1, k2, next(t, k2)}'),
    ],
  },
  {
    name: 'tables built by Redis and by libraries keep their order',
    cmds: [
      ['HSET', 'h', 'f1', 'a', 'f2', 'b', 'f3', 'c', 'zz', 'd'],
      walk('local r = redis.call("hgetall", "h") local t = {} for i = 1, #r, 2 do t[r[i]] = r[i+1] end'),
      walk('local t = cjson.decode(\'{"one":1,"two":2,"three":3,"four":4,"five":5,"six":6}\')'),
      walk('local t = cmsgpack.unpack(cmsgpack.pack({alpha=1, beta=2, gamma=3, delta=4}))'),
      walk('redis.setresp(3) local t = redis.call("hgetall", "h").map'),
      walk('local t = redis.call("ping")'),
      walk('local t = redis.pcall("nosuchcommand")'),
    ],
  },
  {
    name: 'a RESP3 attribute reply reaches a script as the value it annotates (the attribute dropped)',
    cmds: [
      E("redis.setresp(3) return redis.call('debug', 'protocol', 'attrib')"),
      E("redis.setresp(3) return {redis.call('debug', 'protocol', 'attrib'), redis.call('ping')}"),
    ],
  },
  {
    name: 'pairs order after random assignments and deletions',
    cmds: Array.from({ length: 40 }, (_, i) => walk(randomTableScript(i + 1, 10 + i * 5))),
  },
  {
    name: 'cjson.encode and cmsgpack.pack key order',
    cmds: [
      E('return cjson.encode({attempts=0, priority=3, delay=0, timestamp=1700000000000, jobId="1"})'),
      E('return cjson.encode({name="x", data={a=1, b={c=2, d=3}}, opts={removeOnComplete=true, attempts=3}})'),
      E('local t = {} for i = 1, 12 do t["key" .. i] = i end return cjson.encode(t)'),
      E('return cjson.encode({[1]="a", [2]="b", [3]="c", x=1})'),
      E('return cmsgpack.pack({z=1, y=2, x=3, w=4, v=5})'),
      E('return cmsgpack.pack({1, 2, 3, k="v"})'),
      E('local t = cjson.decode(\'{"b":1,"a":2,"c":{"y":1,"x":2}}\') return cjson.encode(t)'),
    ],
  },
  {
    name: 'length border with holes',
    cmds: [
      E('local t = {} t[1] = 1 t[2] = 2 t[4] = 4 return #t'),
      E('local t = {1, 2, 3} t[2] = nil return #t'),
      E('local t = {1, 2, 3, 4, 5} t[5] = nil t[4] = nil t[2] = nil return #t'),
      E('local t = {nil, nil, 3} return #t'),
      E('local t = {1, nil, 3, nil} return #t'),
      E('local t = {n=1} t[1] = 1 t[2] = 2 t[3] = 3 t[2] = nil return #t'),
      E('local t = {} for i = 1, 10 do t[i] = i end t[5] = nil return {#t, table.getn(t)}'),
      E('local t = {} t[2] = 2 t[3] = 3 t[4] = 4 return #t'),
      E('local t = {} t[1] = 1 t[3] = 3 t[5] = 5 t[7] = 7 return #t'),
      E('local r = redis.call("mget", "a", "b", "c") r[2] = nil return #r'),
      E('local t = {1, 2, 3} table.insert(t, 5, "x") return {#t, t[5]}'),
      E('local t = {1, 2, 3} t[#t + 2] = "skip" return {#t, unpack(t)}'),
      E('return {#KEYS, #ARGV}'),
    ],
  },
  {
    name: 'table.sort is Lua 5.1 quicksort',
    cmds: [
      E(
        'local t = {} for i = 1, 12 do t[i] = {k = i % 3, id = i} end table.sort(t, function(a, b) return a.k < b.k end) local out = {} for i, v in ipairs(t) do out[i] = v.id end return out',
      ),
      E('local t = {5, 3, 8, 1, 9, 2, 7, 4, 6, 0} table.sort(t, function(a, b) return a > b end) return t'),
      E('local t = {"b", "a", "d", "c"} table.sort(t) return t'),
      E('local t = {3, 1, "x"} return table.sort(t)'),
      E('local t = {3, 2, 1, 5, 4, 6, 8, 7} table.sort(t, function(a, b) return true end) return t'),
      E('local t = {1, 2, nil, 4} table.sort(t) return t'),
    ],
  },
]);
