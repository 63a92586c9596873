/**
 * Lua 5.1 coroutines through EVAL/FCALL: the same scripts on real Redis 7.0 and redis-sim, replies
 * compared byte for byte (values passed both ways, statuses, errors and their positions, yields
 * across C boundaries, wrap, nesting, redis.call inside a coroutine, limits).
 */
import { compatSuite } from './harness.js';

const E = (script: string, ...rest: string[]) => ['EVAL', script, '0', ...rest];

/** Collects every value of a call into a table as strings (nil and booleans included). */
const PACK = 'local function pack(...) local t = {} for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end return t end ';

const LIB = `#!lua name=colib
local gen = coroutine.wrap(function()
  local i = 0
  while true do i = i + 1 coroutine.yield(i) end
end)
redis.register_function('nextid', function(keys, args) return gen() end)
redis.register_function('sum', function(keys, args)
  local co = coroutine.create(function(n)
    local s = 0
    for i = 1, n do s = s + coroutine.yield(i) end
    return s
  end)
  local ok, v = coroutine.resume(co, tonumber(args[1]))
  while coroutine.status(co) ~= 'dead' do ok, v = coroutine.resume(co, v * 10) end
  return v
end)`;

compatSuite('scripting coroutines', [
  {
    name: 'values pass both ways through resume and yield',
    cmds: [
      E(
        `${PACK}local co = coroutine.create(function(a, b)
          local c = coroutine.yield(a + b)
          local d, e = coroutine.yield(c * 2)
          return d + e, "done"
        end)
        local r = {}
        for _, v in ipairs({pack(coroutine.resume(co, 1, 2)), pack(coroutine.resume(co, 10)), pack(coroutine.resume(co, 3, 4)), pack(coroutine.resume(co))}) do
          r[#r + 1] = table.concat(v, ",")
        end
        return r`,
      ),
      E(
        `${PACK}local co = coroutine.create(function(...)
          local a, b, c = coroutine.yield(select("#", ...), ...)
          return select("#", a, b, c), a, b, c
        end)
        return {table.concat(pack(coroutine.resume(co, 1, nil, 3, nil)), ","), table.concat(pack(coroutine.resume(co, nil, "x")), ","), coroutine.status(co)}`,
      ),
      E('return {coroutine.resume(coroutine.create(function() end))}'),
      E('return select("#", coroutine.resume(coroutine.create(function() return nil, nil end)))'),
      E('return {coroutine.resume(coroutine.create(function(...) return ... end), "a", "b")}'),
      E('local co = coroutine.create(function() coroutine.yield() end) return select("#", coroutine.resume(co))'),
    ],
  },
  {
    name: 'generators and producer/consumer',
    cmds: [
      E(`local function range(n)
          return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
        end
        local t = {}
        for i in range(5) do t[#t + 1] = i * i end
        return t`),
      E(`local producer = coroutine.create(function()
          for _, w in ipairs({"alpha", "beta", "gamma"}) do coroutine.yield(w) end
          return nil
        end)
        local function receive()
          local ok, v = coroutine.resume(producer)
          return v
        end
        local out = {}
        while true do
          local v = receive()
          if v == nil then break end
          out[#out + 1] = string.upper(v)
        end
        out[#out + 1] = coroutine.status(producer)
        return out`),
      E(`local function filter(src, pred)
          return coroutine.wrap(function()
            for v in src do if pred(v) then coroutine.yield(v) end end
          end)
        end
        local nums = coroutine.wrap(function() for i = 1, 20 do coroutine.yield(i) end end)
        local t = {}
        for v in filter(nums, function(x) return x % 3 == 0 end) do t[#t + 1] = v end
        return t`),
      E(`local function permgen(a, n)
          n = n or #a
          if n <= 1 then coroutine.yield(a) else
            for i = 1, n do
              a[n], a[i] = a[i], a[n]
              permgen(a, n - 1)
              a[n], a[i] = a[i], a[n]
            end
          end
        end
        local out = {}
        for p in coroutine.wrap(function() permgen({"a", "b", "c"}) end) do out[#out + 1] = table.concat(p) end
        return out`),
      E(`local fib = coroutine.wrap(function()
          local a, b = 0, 1
          while true do coroutine.yield(a) a, b = b, a + b end
        end)
        local t = {} for i = 1, 15 do t[i] = fib() end return t`),
    ],
  },
  {
    name: 'status transitions and running',
    cmds: [
      E(`local co = coroutine.create(function() coroutine.yield() end)
        local a = coroutine.status(co) coroutine.resume(co)
        local b = coroutine.status(co) coroutine.resume(co)
        return {a, b, coroutine.status(co)}`),
      E('local co = coroutine.create(function() return coroutine.status(coroutine.running()) end) return {coroutine.resume(co)}'),
      E(`local co1, co2
        co1 = coroutine.create(function() return coroutine.resume(co2) end)
        co2 = coroutine.create(function() return coroutine.status(co1) end)
        return {coroutine.resume(co1)}`),
      E(`local co = coroutine.create(function() return coroutine.running() end)
        local ok, r = coroutine.resume(co)
        return {r == co, type(r), coroutine.running() == nil, coroutine.status(co)}`),
      E('return coroutine.running()'),
      E('return tostring(coroutine.running())'),
      E('local co = coroutine.create(function() error("x") end) coroutine.resume(co) return coroutine.status(co)'),
    ],
  },
  {
    name: 'resuming what is not suspended',
    cmds: [
      E('local co = coroutine.create(function() end) coroutine.resume(co) return {coroutine.resume(co)}'),
      E('local co = coroutine.create(function() return coroutine.resume(coroutine.running()) end) return {coroutine.resume(co)}'),
      E(`local co1, co2
        co1 = coroutine.create(function() return coroutine.resume(co2) end)
        co2 = coroutine.create(function() return coroutine.resume(co1) end)
        return {coroutine.resume(co1)}`),
      E('local co = coroutine.create(function() error("x") end) coroutine.resume(co) return {coroutine.resume(co)}'),
    ],
  },
  {
    name: 'errors inside a coroutine',
    cmds: [
      E('local co = coroutine.create(function() error("boom") end) local r = {coroutine.resume(co)} r[3] = coroutine.status(co) return r'),
      E('local co = coroutine.create(function() error("boom", 0) end) return {coroutine.resume(co)}'),
      E(
        'local co = coroutine.create(function() error({code = 7}) end) local ok, e = coroutine.resume(co) return {tostring(ok), type(e), e.code}',
      ),
      E('local co = coroutine.create(function() error() end) local ok, e = coroutine.resume(co) return {tostring(ok), tostring(e)}'),
      E(`local co = coroutine.create(function()
          local x = nil
          coroutine.yield(1)
          return x.y
        end)
        return {coroutine.resume(co), coroutine.resume(co)}`),
      E(`local co = coroutine.create(function()
          local x = nil
          coroutine.yield(1)
          return x.y
        end)
        coroutine.resume(co)
        local ok, e = coroutine.resume(co)
        return {tostring(ok), e}`),
      E('local co = coroutine.create(function() return 1 + {} end) return {coroutine.resume(co)}'),
      E('local co = coroutine.create(function() return string.rep() end) return {coroutine.resume(co)}'),
      E('local co = coroutine.create(function() return ("x"):rep({}) end) return {coroutine.resume(co)}'),
      E('local co = coroutine.create(function() return nosuchglobal end) return {coroutine.resume(co)}'),
      E('local co = coroutine.create(function() return pcall(error, "inner") end) return {coroutine.resume(co)}'),
      E(`local co = coroutine.create(function()
          local ok, e = pcall(function() coroutine.yield(1) error("after") end)
          return e
        end)
        return {coroutine.resume(co)}`),
    ],
  },
  {
    name: 'an uncaught error from a coroutine ends the script at the resume/wrap line',
    cmds: [
      E(`local co = coroutine.create(function()
          coroutine.yield(1)
          error("late")
        end)
        coroutine.resume(co)
        local f = function()

          local ok, e = coroutine.resume(co)
          error(e, 0)
        end
        f()`),
      E(`local f = coroutine.wrap(function()

          local t = nil
          return t.x
        end)

        f()`),
      E(`local f = coroutine.wrap(function()
          error("x")
        end)
        f()`),
      E('local f = coroutine.wrap(function() error(42) end) f()'),
      E('local f = coroutine.wrap(function() error({err = "MY own"}) end) f()'),
      E('local f = coroutine.wrap(function() redis.call("nosuchcommand") end) f()'),
    ],
  },
  {
    name: 'wrap re-raises errors, prefixing the caller position to strings',
    cmds: [
      E('local f = coroutine.wrap(function() error("boom") end) return {pcall(f)}'),
      E('local f = coroutine.wrap(function() error({}) end) local ok, e = pcall(f) return {tostring(ok), type(e)}'),
      E('local f = coroutine.wrap(function() error(42) end) return {pcall(f)}'),
      E('local f = coroutine.wrap(function() error("boom", 0) end) return {pcall(function() return f() end)}'),
      E('local f = coroutine.wrap(function() return 1 end) f() return {pcall(f)}'),
      E('local f = coroutine.wrap(function() return 1 end) f() f()'),
      E('local f; f = coroutine.wrap(function() f() end) f()'),
      E('local f; f = coroutine.wrap(function() f() end) return {pcall(f)}'),
      E(
        'local f = coroutine.wrap(function(a, b) local c = coroutine.yield(a .. b) return c .. "!" end) return {f("x", "y"), f("z"), pcall(f)}',
      ),
      E('return {pcall(string.gsub, "a", "a", coroutine.wrap(function(c) error("x") end))}'),
      E('return {pcall(function() local t = setmetatable({}, {__index = coroutine.wrap(function(c) error("x") end)}) return t.x end)}'),
    ],
  },
  {
    name: 'yield across a C boundary or outside a coroutine',
    cmds: [
      E('return coroutine.yield(1)'),
      E(`local x = 1

        coroutine.yield(1)`),
      E('return {pcall(coroutine.yield, 1)}'),
      E('return {pcall(function() coroutine.yield(1) end)}'),
      E('local co = coroutine.create(function() return pcall(coroutine.yield, 1) end) return {coroutine.resume(co)}'),
      E('local co = coroutine.create(function() return pcall(function() coroutine.yield(1) end) end) return {coroutine.resume(co)}'),
      E(
        'local co = coroutine.create(function() local t = {3,1,2} table.sort(t, function(a,b) coroutine.yield() return a<b end) end) return {coroutine.resume(co)}',
      ),
      E(
        'local co = coroutine.create(function() return string.gsub("abc", "%w", function(c) coroutine.yield(c) end) end) return {coroutine.resume(co)}',
      ),
      E(
        'local co = coroutine.create(function() local t = setmetatable({}, {__index=function(t,k) coroutine.yield(k) return 1 end}) return t.x end) return {coroutine.resume(co)}',
      ),
      E(
        'local co = coroutine.create(function() local t = setmetatable({}, {__add=function(a,b) coroutine.yield("add") return 1 end}) return t + 1 end) return {coroutine.resume(co)}',
      ),
      E('local co = coroutine.create(function() for k in function() coroutine.yield(1) end do end end) return {coroutine.resume(co)}'),
      E(
        'local co = coroutine.create(function() return xpcall(function() coroutine.yield(1) end, function(e) return "handled: " .. e end) end) return {coroutine.resume(co)}',
      ),
      E('local co = coroutine.create(function() local ok, e = pcall(coroutine.yield) return e end) return {coroutine.resume(co)}'),
    ],
  },
  {
    name: 'yield through aliases, __call and tail calls',
    cmds: [
      E(`local yield = coroutine.yield
        local co = coroutine.create(function() local a = yield(1) local b = yield(a + 1) return b * 2 end)
        local r = {}
        local _, v = coroutine.resume(co) r[#r + 1] = v
        _, v = coroutine.resume(co, 10) r[#r + 1] = v
        _, v = coroutine.resume(co, 7) r[#r + 1] = v
        return r`),
      E(`local co = coroutine.create(function()
          local t = setmetatable({}, {__call = coroutine.yield})
          local x = t("a", "b")
          return x
        end)
        local ok, a, b, c = coroutine.resume(co)
        return {type(a), b, c, select(2, coroutine.resume(co, "back"))}`),
      E(`local function deep(n) if n == 0 then return coroutine.yield("bottom") end return deep(n - 1) end
        local co = coroutine.create(function() return deep(50) end)
        return {select(2, coroutine.resume(co)), select(2, coroutine.resume(co, "up"))}`),
      E(`local co = coroutine.wrap(function(...)
          local t = {...}
          while true do t = {coroutine.yield(#t, unpack(t))} end
        end)
        return {co(1, 2, 3), co(), co("x")}`),
      E(`local obj = {n = 0}
        function obj:step() self.n = self.n + 1 coroutine.yield(self.n) return self:step() end
        local f = coroutine.wrap(function() obj:step() end)
        return {f(), f(), f()}`),
    ],
  },
  {
    name: 'nested coroutines',
    cmds: [
      E(`local log = {}
        local inner = coroutine.create(function()
          log[#log + 1] = "inner 1"
          coroutine.yield("i1")
          log[#log + 1] = "inner 2"
          return "i-done"
        end)
        local outer = coroutine.create(function()
          log[#log + 1] = "outer 1"
          local _, v = coroutine.resume(inner)
          log[#log + 1] = "outer got " .. v
          coroutine.yield("o1")
          _, v = coroutine.resume(inner)
          log[#log + 1] = "outer got " .. v .. " " .. coroutine.status(inner)
          return "o-done"
        end)
        local _, a = coroutine.resume(outer)
        log[#log + 1] = "main got " .. a
        local _, b = coroutine.resume(outer)
        log[#log + 1] = "main got " .. b .. " " .. coroutine.status(outer)
        return log`),
      E(`local function gen(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end
        local out = {}
        for i in gen(3) do for j in gen(i) do out[#out + 1] = i .. ":" .. j end end
        return out`),
      E(`local depth, err = 0
        local function f() depth = depth + 1 local ok, e = coroutine.resume(coroutine.create(f)) if not ok and not err then err = e end end
        f()
        return {depth, err}`),
      E(`local depth, err, st = 0
        local function f()
          depth = depth + 1
          local co = coroutine.create(f)
          local ok, e = coroutine.resume(co)
          if not ok and not err then err = e st = {coroutine.status(co), coroutine.resume(co)} end
        end
        f()
        return {depth, err, st}`),
      E(`local co = coroutine.create(function(...) local a = {...} while true do a = {coroutine.yield(unpack(a))} end end)
        coroutine.resume(co, 1)
        local depth, res = 0
        local function f()
          depth = depth + 1
          if depth == 200 then res = {coroutine.resume(co, "deep")} res[#res + 1] = coroutine.status(co) return end
          coroutine.resume(coroutine.create(f))
        end
        f()
        local after = {coroutine.resume(co, "x", "y")}
        return {depth, res, after, coroutine.status(co)}`),
    ],
  },
  {
    name: 'a coroutine that calls redis.call',
    cmds: [
      E(`local co = coroutine.create(function(key)
          for i = 1, 3 do
            redis.call("rpush", key, "item" .. i)
            coroutine.yield(redis.call("llen", key))
          end
          return redis.call("lrange", key, 0, -1)
        end)
        local out = {}
        while true do
          local ok, v = coroutine.resume(co, "list")
          if coroutine.status(co) == "dead" then out[#out + 1] = v break end
          out[#out + 1] = v
        end
        return out`),
      ['LRANGE', 'list', '0', '-1'],
      E('local co = coroutine.create(function() return redis.call("incr", "cnt") end) return {coroutine.resume(co)}'),
      E(`local co = coroutine.create(function() redis.call("set", "s", "x") redis.call("incr", "s") end)
        local ok, e = coroutine.resume(co)
        return {tostring(ok), type(e), e.err}`),
      E(
        'local co = coroutine.create(function() return redis.pcall("incr", "s") end) local ok, e = coroutine.resume(co) return {tostring(ok), e.err}',
      ),
      E('local co = coroutine.create(function() return redis.call("get", "s") end) return select(2, coroutine.resume(co))'),
      E('local co = coroutine.wrap(function() redis.call("set", "s", "x") return redis.call("incr", "s") end) return co()'),
    ],
  },
  {
    name: 'argument checks',
    cmds: [
      E('return coroutine.create()'),
      E('return coroutine.create(1)'),
      E('return coroutine.create(type)'),
      E('return coroutine.create(coroutine.wrap(function() end))'),
      E('return coroutine.create(string.gmatch("a", "a"))'),
      E('return coroutine.wrap(1)'),
      E('return coroutine.wrap(type)'),
      E('return coroutine.resume()'),
      E('return coroutine.resume(1)'),
      E('return coroutine.resume(function() end)'),
      E('return coroutine.status(1)'),
      E('return coroutine.status(coroutine.wrap(function() end))'),
      E('return {pcall(coroutine.resume)}'),
      E('return {pcall(coroutine.create)}'),
      E('local c = coroutine return c:resume()'),
      E('coroutine.foo = 1'),
      E('local n = 0 for k in pairs(coroutine) do n = n + 1 end return n'),
    ],
  },
  {
    name: 'thread values: type, conversions, cjson and cmsgpack',
    cmds: [
      E('return type(coroutine.create(function() end))'),
      E('return coroutine.create(function() end)'),
      E('return {1, coroutine.create(function() end), 3}'),
      E('return string.sub(tostring(coroutine.create(function() end)), 1, 10)'),
      E('return cjson.encode({coroutine.create(function() end)})'),
      E('return cmsgpack.pack({coroutine.create(function() end)})'),
      E('local co = coroutine.create(function() end) local t = {[co] = "v"} return t[co]'),
      E('local co = coroutine.create(function() end) return {co == co, co == coroutine.create(function() end), rawequal(co, co)}'),
      E('return {type(coroutine), type(coroutine.yield), type(coroutine.wrap(function() end))}'),
      E('return string.match(tostring(coroutine.create(function() end)) .. 1, "^thread: 0x%x+1$") ~= nil'),
      E('return #coroutine.create(function() end)'),
      E('local co = coroutine.create(function() end) return co.x'),
      E('return coroutine.create(function() end) < coroutine.create(function() end)'),
      E('return redis.call("set", "k", coroutine.create(function() end))'),
    ],
  },
  {
    name: 'stack overflow inside a coroutine',
    cmds: [
      E('local function f() return 1 + f() end local co = coroutine.create(f) return {coroutine.resume(co)}'),
      E(`local function f(n) if n == 0 then coroutine.yield(n) return 0 end return 1 + f(n - 1) end
        local co = coroutine.create(f)
        local a = {coroutine.resume(co, 150)}
        local b = {coroutine.resume(co)}
        return {a[1], a[2], b[1], b[2]}`),
    ],
  },
  {
    // A chunk whose text never says "coroutine" has no generator form: see the unit tests.
    name: 'a chunk loaded by loadstring that mentions coroutine can yield',
    cmds: [
      E(`local body = loadstring("local co = coroutine return co.yield(1) + 1")
        local co = coroutine.create(body)
        return {select(2, coroutine.resume(co)), select(2, coroutine.resume(co, 41))}`),
      E(`local co = coroutine.create(loadstring("return 5"))
        return {coroutine.resume(co)}`),
      E(`local f = loadstring("return function(y) y(1) y(2) return 3 end")()
        local co = coroutine.create(function() return f(coroutine.yield) end)
        local out = {}
        for i = 1, 4 do local ok, v = coroutine.resume(co) out[#out+1] = tostring(ok) .. ":" .. tostring(v) end
        return out`),
    ],
  },
  {
    name: 'functions keep a coroutine across FCALLs',
    cmds: [
      ['FUNCTION', 'LOAD', 'REPLACE', LIB],
      ['FCALL', 'nextid', '0'],
      ['FCALL', 'nextid', '0'],
      ['FCALL', 'nextid', '0'],
      ['FCALL', 'sum', '0', '4'],
      ['FUNCTION', 'DELETE', 'colib'],
    ],
  },
]);
