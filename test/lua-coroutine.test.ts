/**
 * Lua 5.1 coroutines in redis-sim's Lua engine, through EVAL over TCP: generators, values passed
 * both ways, status transitions, errors, yields across C boundaries, nesting, redis.call inside a
 * coroutine, the runaway-script guard and stack overflow; and the compile modes (a chunk that never
 * mentions "coroutine" is compiled exactly as before, without generators).
 */
import { describe, expect, it } from 'vitest';
import { Compiler } from '../src/scripting/lua/compiler.js';
import { parse } from '../src/scripting/lua/parser.js';
import type { CoFunction } from '../src/scripting/lua/runtime.js';
import { LuaState } from '../src/scripting/lua/state.js';
import { ioredis, raw, startSim } from './helpers.js';

async function client() {
  const sim = await startSim();
  return { sim, r: ioredis(sim), c: await raw(sim) };
}

describe('resume and yield', () => {
  it('passes values both ways and counts nils', async () => {
    const { r } = await client();
    const script = `
      local function pack(...) local t = {} for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end return table.concat(t, ",") end
      local co = coroutine.create(function(a, b)
        local c = coroutine.yield(a + b, "first")
        local d, e = coroutine.yield(c * 2)
        return d, nil, e
      end)
      return {pack(coroutine.resume(co, 1, 2)), pack(coroutine.resume(co, 10)), pack(coroutine.resume(co, "x", "y")), pack(coroutine.resume(co))}`;
    expect(await r.eval(script, 0)).toEqual(['true,3,first', 'true,20', 'true,x,nil,y', 'false,cannot resume dead coroutine']);
  });

  it('a generator: wrap as the iterator of a for-in loop', async () => {
    const { r } = await client();
    const script = `
      local function range(n, step)
        return coroutine.wrap(function() for i = 1, n, step do coroutine.yield(i) end end)
      end
      local t = {}
      for i in range(10, 3) do t[#t + 1] = i end
      return t`;
    expect(await r.eval(script, 0)).toEqual([1, 4, 7, 10]);
  });

  it('producer/consumer: the consumer resumes, the producer yields', async () => {
    const { r } = await client();
    const script = `
      local producer = coroutine.create(function(words)
        for w in string.gmatch(words, "%a+") do coroutine.yield(w) end
      end)
      local got = {}
      local ok, w = coroutine.resume(producer, ARGV[1])
      while coroutine.status(producer) ~= "dead" do
        got[#got + 1] = w:upper()
        ok, w = coroutine.resume(producer)
      end
      return got`;
    expect(await r.eval(script, 0, 'one two three')).toEqual(['ONE', 'TWO', 'THREE']);
  });

  it('yields from deep inside Lua calls, method calls, aliases and __call', async () => {
    const { r } = await client();
    const deep = `
      local function walk(t)
        for _, v in ipairs(t) do
          if type(v) == "table" then walk(v) else coroutine.yield(v) end
        end
      end
      local out = {}
      for v in coroutine.wrap(function() walk({1, {2, {3, {4}}}, 5}) end) do out[#out + 1] = v end
      return out`;
    expect(await r.eval(deep, 0)).toEqual([1, 2, 3, 4, 5]);
    const alias = `
      local y = coroutine.yield
      local obj = {}
      function obj:next(v) return y(v * 2) end
      local callable = setmetatable({}, {__call = coroutine.yield})
      local f = coroutine.wrap(function() local a = obj:next(21) local t, b = callable(a) return t .. b end)
      return {f(), select(2, f("back")), f("x", "y")}`;
    expect(await r.eval(alias, 0)).toEqual([42, 'back', 'xy']);
  });

  it('status: suspended, running, normal, dead; running() is nil in the main thread', async () => {
    const { r } = await client();
    const script = `
      local seen = {}
      local outer
      local inner = coroutine.create(function()
        seen[#seen + 1] = "outer is " .. coroutine.status(outer)
        seen[#seen + 1] = "inner is " .. coroutine.status(coroutine.running())
      end)
      outer = coroutine.create(function()
        seen[#seen + 1] = "before " .. coroutine.status(inner)
        coroutine.resume(inner)
        seen[#seen + 1] = "after " .. coroutine.status(inner)
        coroutine.yield()
      end)
      coroutine.resume(outer)
      seen[#seen + 1] = "outer " .. coroutine.status(outer)
      coroutine.resume(outer)
      seen[#seen + 1] = "outer " .. coroutine.status(outer)
      seen[#seen + 1] = tostring(coroutine.running())
      return seen`;
    expect(await r.eval(script, 0)).toEqual([
      'before suspended',
      'outer is normal',
      'inner is running',
      'after dead',
      'outer suspended',
      'outer dead',
      'nil',
    ]);
  });

  it('nested coroutines interleave as their resumes say', async () => {
    const { r } = await client();
    const script = `
      local function gen(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end
      local out = {}
      for i in gen(3) do for j in gen(i) do out[#out + 1] = i .. ":" .. j end end
      return out`;
    expect(await r.eval(script, 0)).toEqual(['1:1', '2:1', '2:2', '3:1', '3:2', '3:3']);
  });

  it('resuming a running or normal coroutine fails; C stack overflow past 200 levels', async () => {
    const { r } = await client();
    expect(
      await r.eval(
        'local co = coroutine.create(function() return coroutine.resume(coroutine.running()) end) return {coroutine.resume(co)}',
        0,
      ),
    ).toEqual([1, null, 'cannot resume running coroutine']);
    const depth = `
      local depth, err = 0
      local function f() depth = depth + 1 local ok, e = coroutine.resume(coroutine.create(f)) if not ok and not err then err = e end end
      f()
      return {depth, err}`;
    expect(await r.eval(depth, 0)).toEqual([200, 'C stack overflow']);
  });
});

describe('errors', () => {
  it('an error inside a coroutine: resume returns false and the value; the thread is dead', async () => {
    const { r } = await client();
    const script = `
      local co = coroutine.create(function()
        coroutine.yield(1)
        local t = nil
        return t.x
      end)
      local a = {coroutine.resume(co)}
      local b = {coroutine.resume(co)}
      return {tostring(a[1]), tostring(b[1]), b[2], coroutine.status(co)}`;
    expect(await r.eval(script, 0)).toEqual(['true', 'false', "user_script:5: attempt to index local 't' (a nil value)", 'dead']);
    // A table error comes back as the table (only pcall turns {err=...} into its message).
    expect(
      await r.eval(
        'local ok, e = coroutine.resume(coroutine.create(function() redis.call("set", KEYS[1], "x") redis.call("incr", KEYS[1]) end)) return {tostring(ok), type(e), e.err}',
        1,
        'k',
      ),
    ).toEqual(['false', 'table', 'ERR value is not an integer or out of range']);
  });

  it('wrap re-raises, prefixing the caller position to a string; uncaught it ends the script', async () => {
    const { r, c } = await client();
    expect(await r.eval('local f = coroutine.wrap(function() error("boom") end) return {pcall(f)}', 0)).toEqual([
      null,
      'user_script:1: boom',
    ]);
    expect(await c.call('EVAL', 'local f = coroutine.wrap(function()\n error("x")\nend)\n\nf()', '0')).toMatch(
      /^-ERR user_script:5: user_script:2: x script: [0-9a-f]{40}, on @user_script:5\.\r\n$/,
    );
  });

  it('yield across pcall, a metamethod or a sort comparator is an error, and so is yield in the main thread', async () => {
    const { r, c } = await client();
    const boundary = 'attempt to yield across metamethod/C-call boundary';
    expect(
      await r.eval(
        'local co = coroutine.create(function() return pcall(function() coroutine.yield(1) end) end) return {coroutine.resume(co)}',
        0,
      ),
    ).toEqual([1, null, boundary]);
    expect(
      await r.eval(
        'local co = coroutine.create(function() local t = setmetatable({}, {__index = function() coroutine.yield() end}) return t.x end) return {coroutine.resume(co)}',
        0,
      ),
    ).toEqual([null, boundary]);
    expect(
      await r.eval(
        'local co = coroutine.create(function() table.sort({3, 1, 2}, function(a, b) coroutine.yield() return a < b end) end) return {coroutine.resume(co)}',
        0,
      ),
    ).toEqual([null, boundary]);
    expect(await c.call('EVAL', 'local x = 1\ncoroutine.yield(x)', '0')).toMatch(
      new RegExp(`^-ERR ${boundary} script: [0-9a-f]{40}, on @user_script:2\\.\\r\\n$`),
    );
  });

  it('argument checks have Lua 5.1 texts', async () => {
    const { c } = await client();
    const err = async (script: string) => ((await c.call('EVAL', script, '0')) as string).replace(/ script: .*$/s, '');
    expect(await err('return coroutine.create(type)')).toBe("-ERR user_script:1: bad argument #1 to 'create' (Lua function expected)");
    expect(await err('return coroutine.wrap(coroutine.wrap(function() end))')).toBe(
      "-ERR user_script:1: bad argument #1 to 'wrap' (Lua function expected)",
    );
    expect(await err('return coroutine.resume({})')).toBe("-ERR user_script:1: bad argument #1 to 'resume' (coroutine expected)");
    expect(await err('return coroutine.status()')).toBe("-ERR user_script:1: bad argument #1 to 'status' (coroutine expected)");
  });
});

describe('coroutines and the server', () => {
  it('a coroutine that calls redis.call works on the caller database', async () => {
    const { r } = await client();
    await r.select(3);
    const script = `
      local worker = coroutine.wrap(function(key)
        while true do
          local item = coroutine.yield(redis.call("llen", key))
          redis.call("rpush", key, item)
        end
      end)
      worker(KEYS[1])
      local lens = {}
      for _, v in ipairs(ARGV) do lens[#lens + 1] = worker(v) end
      return lens`;
    expect(await r.eval(script, 1, 'queue', 'a', 'b', 'c')).toEqual([1, 2, 3]);
    expect(await r.lrange('queue', 0, -1)).toEqual(['a', 'b', 'c']);
    await r.select(0);
    expect(await r.exists('queue')).toBe(0);
  });

  it('a thread value: type, tostring, reply conversion and cjson', async () => {
    const { r, c } = await client();
    expect(
      await r.eval(
        'local co = coroutine.create(function() end) return {type(co), string.match(tostring(co), "^thread: 0x%x+$") ~= nil}',
        0,
      ),
    ).toEqual(['thread', 1]);
    expect(await c.call('EVAL', 'return coroutine.create(function() end)', '0')).toBe('$-1\r\n');
    expect(await c.call('EVAL', 'return cjson.encode({coroutine.create(function() end)})', '0')).toMatch(
      /^-ERR user_script:1: Cannot serialise thread: type not supported script/,
    );
  });

  it('the runaway guard stops a loop inside a coroutine: resume, wrap and pcall do not catch it', async () => {
    const sim = await startSim({ config: { 'busy-reply-threshold': '50' } });
    const c = await raw(sim);
    const stopped = /^-ERR Script stopped after running longer than busy-reply-threshold \(50 ms\)/;
    expect(
      await c.call('EVAL', 'local co = coroutine.create(function() while true do end end) return {coroutine.resume(co)}', '0'),
    ).toMatch(stopped);
    expect(await c.call('EVAL', 'return pcall(coroutine.wrap(function() local n = 0 while true do n = n + 1 end end))', '0')).toMatch(
      stopped,
    );
    expect(
      await c.call(
        'EVAL',
        'local co = coroutine.create(function() pcall(function() while true do end end) return "escaped" end) return {coroutine.resume(co)}',
        '0',
      ),
    ).toMatch(stopped);
    // Looping by yielding and resuming forever is stopped too.
    expect(
      await c.call('EVAL', 'local f = coroutine.wrap(function() while true do coroutine.yield() end end) while true do f() end', '0'),
    ).toMatch(stopped);
    // The next script starts in the main thread.
    expect(await c.call('EVAL', 'return tostring(coroutine.running())', '0')).toBe('$3\r\nnil\r\n');
    expect(await c.call('PING')).toBe('+PONG\r\n');
  });

  it('deep recursion inside a coroutine is a Lua stack overflow, not a crash', async () => {
    const { r, c } = await client();
    expect(await r.eval('local function f() return 1 + f() end return {coroutine.resume(coroutine.create(f))}', 0)).toEqual([
      null,
      'user_script:1: stack overflow',
    ]);
    expect(await c.call('EVAL', 'local function f() return 1 + f() end return coroutine.wrap(f)()', '0')).toMatch(
      /^-ERR user_script:1: user_script:1: stack overflow script/,
    );
    // The main thread of a coroutine-mode chunk too.
    expect(await c.call('EVAL', 'local function f() return 1 + f() end return f() -- coroutine', '0')).toMatch(
      /^-ERR user_script:1: stack overflow script/,
    );
    // Yielding from a few hundred calls down and resuming back up works.
    const deep = `
      local function f(n) if n == 0 then return coroutine.yield("bottom") end return 1 + f(n - 1) end
      local co = coroutine.create(f)
      return {select(2, coroutine.resume(co, 500)), select(2, coroutine.resume(co, 0))}`;
    expect(await r.eval(deep, 0)).toEqual(['bottom', 500]);
    expect(await c.call('PING')).toBe('+PONG\r\n');
  });

  it('a chunk that a coroutine-mode script loads is compiled in coroutine mode: it yields', async () => {
    const { r } = await client();
    // The loaded text never says "coroutine", but the script that loads it does.
    const script = `
      local body = loadstring("local y = ... return y(1)")
      local plain = loadstring("local a, b = ... return a + b")
      return {select(2, coroutine.resume(coroutine.create(function() return body(coroutine.yield) end))),
              select(2, coroutine.resume(coroutine.create(plain), 20, 22))}`;
    expect(await r.eval(script, 0)).toEqual([1, 42]);
  });
});

describe('compile modes', () => {
  const src = 'local function f(x) return x + 1 end local t = {} return f(t[1] or 1), string.rep("a", 2)';

  it('a chunk that never mentions "coroutine" compiles to plain functions and calls', () => {
    const js = new Compiler().compileChunk(parse(src, 'user_script'));
    expect(js).not.toMatch(/function\*|yield|cofn|gc[0-3n]\(/);
    expect(js).toMatch(/^return function\(\.\.\.va\)/);
    const fn = new LuaState().load(src, 'user_script') as CoFunction;
    expect(fn.g).toBeUndefined();
  });

  it('a chunk that mentions it gets generator forms and yield* calls', () => {
    const coSrc = `${src} -- coroutine`;
    const js = new Compiler(true).compileChunk(parse(coSrc, 'user_script'));
    expect(js).toMatch(/^return cofn\(function\*\(\.\.\.va\)/);
    expect(js).toContain('(yield* gc1(');
    const fn = new LuaState().load(coSrc, 'user_script') as CoFunction;
    expect(typeof fn.g).toBe('function');
    expect(fn()).toEqual([2, 'aa']);
  });

  it('every library function is a C function to coroutine.create', async () => {
    const { r } = await client();
    const script = `
      local accepted = {}
      for _, lib in ipairs({"_G", "string", "table", "math", "coroutine", "redis", "cjson", "cmsgpack", "bit", "struct"}) do
        local t = lib == "_G" and _G or _G[lib]
        for k, v in pairs(t) do
          if type(v) == "function" and pcall(coroutine.create, v) then accepted[#accepted + 1] = lib .. "." .. k end
        end
      end
      for _, f in ipairs({string.gmatch("a", "a"), (pairs({})), (ipairs({})), coroutine.wrap(function() end)}) do
        if pcall(coroutine.create, f) then accepted[#accepted + 1] = tostring(f) end
      end
      return accepted`;
    expect(await r.eval(script, 0)).toEqual([]);
  });
});
