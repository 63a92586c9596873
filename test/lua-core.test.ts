/**
 * Lua 5.1 language semantics of the engine (no server): values, numbers, strings, tables,
 * closures, varargs, metatables, errors with positions, and the standard libraries.
 */
import { describe, expect, it } from 'vitest';
import { LuaSyntaxError } from '../src/scripting/lua/lexer.js';
import { toLuaError } from '../src/scripting/lua/lib-base.js';
import { LuaError, LuaTable, type LuaValue, S } from '../src/scripting/lua/runtime.js';
import { LuaState } from '../src/scripting/lua/state.js';

/** Runs a chunk in a fresh state and returns its results (tables as JS arrays/objects). */
function run(src: string): unknown[] {
  const L = new LuaState();
  S.chunk = 'user_script';
  return L.load(src, 'user_script')().map(plain);
}

function plain(v: LuaValue): unknown {
  if (!(v instanceof LuaTable)) return v;
  if (v.hashValues().next().done) return v.arr.slice(0, v.length()).map(plain);
  const o: Record<string, unknown> = {};
  let k: LuaValue;
  for (let e = v.next(undefined); e; e = v.next(k)) {
    k = e[0];
    o[String(k)] = plain(e[1]);
  }
  return o;
}

function error(src: string): unknown {
  try {
    run(src);
  } catch (e) {
    if (e instanceof LuaSyntaxError) return e.message;
    return toLuaError(e).value;
  }
  throw new Error('no error');
}

const one = (src: string) => run(src)[0];

describe('numbers', () => {
  it('formats numbers as Lua 5.1 (%.14g)', () => {
    expect(one('return tostring(10/2)')).toBe('5');
    expect(one('return tostring(0.1)')).toBe('0.1');
    expect(one('return tostring(1e15)')).toBe('1e+15');
    expect(one('return tostring(2^53)')).toBe('9.007199254741e+15');
    expect(one('return tostring(1/3)')).toBe('0.33333333333333');
    expect(one('return tostring(-0)')).toBe('-0');
    expect(one('return tostring(1/0) .. tostring(-1/0)')).toBe('inf-inf');
    expect(one('return tostring(0/0)')).toBe('-nan');
    expect(one('return tostring(-(0/0))')).toBe('nan');
    expect(one('return 1e14 .. ""')).toBe('1e+14');
    expect(one('return 123456789012 .. ""')).toBe('123456789012');
  });

  it('coerces strings in arithmetic and numbers in concatenation', () => {
    expect(one('return "10" + 5')).toBe(15);
    expect(one('return " 0x10 " * 1')).toBe(16);
    expect(one('return 10 .. 20')).toBe('1020');
    expect(one('return 1.5 .. ""')).toBe('1.5');
    expect(error('return "a" + 1')).toBe('user_script:1: attempt to perform arithmetic on a string value');
  });

  it('has Lua 5.1 modulo, power and division', () => {
    expect(run('return 7 % 3, -7 % 3, 7 % -3, 5.5 % 2, 2^10, 7 / 2, -2^2')).toEqual([1, 2, -2, 1.5, 1024, 3.5, -4]);
  });

  it('tonumber with bases and invalid input', () => {
    expect(
      run(
        'return tonumber("z", 36), tonumber("777", 8), tonumber("ff", 16), tonumber("12a"), tonumber(""), tonumber("1e2"), tonumber(nil)',
      ),
    ).toEqual([35, 511, 255, undefined, undefined, 100, undefined]);
  });
});

describe('syntax', () => {
  it('long strings, comments and escapes', () => {
    expect(one('return [[\nab]]')).toBe('ab');
    expect(one('return [==[x]]y]==]')).toBe('x]]y');
    expect(one('--[[ c\n ]] return "\\65\\066\\n\\\\" -- end')).toBe('AB\n\\');
    expect(one('return "a\\\nb"')).toBe('a\nb');
    expect(one('return 0x1F + .5 + 1e1')).toBe(41.5);
  });

  it('reports syntax errors as Lua does', () => {
    expect(error('return 1 +')).toBe("user_script:1: unexpected symbol near '<eof>'");
    expect(error('x = = 1')).toBe("user_script:1: unexpected symbol near '='");
    expect(error('local function f()\nreturn 1')).toBe("user_script:2: 'end' expected (to close 'function' at line 1) near '<eof>'");
    expect(error('if x then')).toBe("user_script:1: 'end' expected near '<eof>'");
    expect(error('return "abc')).toBe("user_script:1: unfinished string near '<eof>'");
    expect(error('return "abc\nx"')).toBe("user_script:1: unfinished string near '\"abc'");
    expect(error('return "\\300"')).toBe("user_script:1: escape sequence too large near '\"'");
    expect(error('local function g() return ... end')).toBe("user_script:1: cannot use '...' outside a vararg function near '...'");
    expect(error('x')).toBe("user_script:1: '=' expected near '<eof>'");
    expect(error('return 3x')).toBe("user_script:1: malformed number near '3x'");
  });
});

describe('functions and scopes', () => {
  it('closures capture per-iteration locals and shared upvalues', () => {
    expect(one('local fs = {} for i = 1, 3 do fs[i] = function() return i end end return fs[1]() + fs[3]()')).toBe(4);
    expect(one('local function mk() local n = 0 return function() n = n + 1 return n end end local c = mk() c() c() return c()')).toBe(3);
    expect(one('local x = 1 local function f() x = x + 1 end f() f() return x')).toBe(3);
    expect(one('local x = 1 do local x = 2 end return x')).toBe(1);
    expect(one('local x = 5 local x = x + 1 return x')).toBe(6);
  });

  it('varargs, multiple results and adjustments', () => {
    expect(run('local function f(...) return select("#", ...), ... end return f(1, nil, 3)')).toEqual([3, 1, undefined, 3]);
    expect(run('local function f() return 1, 2 end return f(), f()')).toEqual([1, 1, 2]);
    expect(run('local function f() return 1, 2 end return (f())')).toEqual([1]);
    expect(one('local function f() return 1, 2, 3 end local t = {f(), f()} return #t')).toBe(4);
    expect(run('local a, b, c = 1 return a, b, c')).toEqual([1, undefined, undefined]);
    expect(run('local a, b = 1, 2, 3 return a, b')).toEqual([1, 2]);
    expect(run('local a, b = 1, 2 a, b = b, a return a, b')).toEqual([2, 1]);
    expect(run('return select(-1, 1, 2, 3)')).toEqual([3]);
    expect(run('return select(2, "a", "b", "c")')).toEqual(['b', 'c']);
    expect(run('local t = {} t.x, t.y = (function() return 1, 2 end)() return t.x, t.y')).toEqual([1, 2]);
  });

  it('recursion, methods and loadstring', () => {
    expect(one('local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end return fib(20)')).toBe(6765);
    expect(one('local obj = {n = 2} function obj:double(x) return self.n * x end return obj:double(21)')).toBe(42);
    expect(one('local a = {b = {}} function a.b.c(x) return x + 1 end return a.b.c(1)')).toBe(2);
    expect(one('return loadstring("return 1 + 1")()')).toBe(2);
    expect(run('return loadstring("return +")')).toEqual([undefined, '[string "return +"]:1: unexpected symbol near \'+\'']);
  });
});

describe('control flow', () => {
  it('numeric and generic for, while, repeat, break', () => {
    expect(one('local s = 0 for i = 10, 1, -2 do s = s + i end return s')).toBe(30);
    expect(one('local s = 0 for i = 1, 2, 0.5 do s = s + i end return s')).toBe(4.5);
    expect(one('local s = 0 for i = 1, 0 do s = s + 1 end return s')).toBe(0);
    expect(one('local n = 0 while true do n = n + 1 if n == 5 then break end end return n')).toBe(5);
    expect(one('local n = 0 repeat local m = n n = n + 1 until m >= 3 return n')).toBe(4);
    expect(one('local s = "" for k, v in ipairs({"a", "b", nil, "d"}) do s = s .. k .. v end return s')).toBe('1a2b');
    expect(one('local n = 0 for k, v in pairs({a = 1, b = 2, 10, 20}) do n = n + v end return n')).toBe(33);
    expect(error('for i = "x", 2 do end')).toBe("user_script:1: 'for' initial value must be a number");
  });

  it('pairs survives assigning nil to the current key', () => {
    expect(one('local t = {a=1, b=2, c=3, d=4} for k in pairs(t) do t[k] = nil end return next(t) == nil')).toBe(true);
  });
});

describe('tables', () => {
  it('length, holes and border', () => {
    expect(one('return #{1, 2, 3, nil}')).toBe(3);
    expect(one('local t = {} t[1] = 1 t[2] = 2 t[4] = 4 return #t')).toBe(4); // t[4] lands in the array part (size 4)
    expect(one('local t = {} t[2] = 2 t[1] = 1 return #t')).toBe(2);
    expect(one('local t = {1, 2, 3} t[3] = nil return #t')).toBe(2);
    expect(one('local t = {} t[1.0] = "a" return t[1]')).toBe('a');
    expect(error('local t = {} t[nil] = 1')).toBe('user_script:1: table index is nil');
    expect(error('local t = {} t[0/0] = 1')).toBe('user_script:1: table index is NaN');
  });

  it('metatables: __index, __newindex, __call, arithmetic, comparisons, __concat, __tostring', () => {
    const src = `local mt = {__add = function(a, b) return a.v + b.v end, __eq = function() return true end,
      __lt = function(a, b) return a.v < b.v end, __le = function(a, b) return a.v <= b.v end,
      __concat = function(a, b) return "cat" end, __call = function(self, x) return x * 2 end,
      __unm = function(a) return -a.v end, __index = function(t, k) return k .. "!" end,
      __tostring = function() return "T" end}
      local x = setmetatable({v = 1}, mt) local y = setmetatable({v = 2}, mt)
      return x + y, x == y, x < y, y <= x, x .. "s", x(21), -y, x.foo, tostring(x)`;
    expect(run(src)).toEqual([3, true, true, false, 'cat', 42, -2, 'foo!', 'T']);
    expect(one('local t = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 10) end}) t.a = 5 return t.a')).toBe(50);
    expect(one('local t = setmetatable({}, {__index = {x = 7}}) return t.x + (rawget(t, "x") or 0)')).toBe(7);
    expect(one('return getmetatable(setmetatable({}, {__metatable = "locked"}))')).toBe('locked');
    expect(error('setmetatable(setmetatable({}, {__metatable = 1}), {})')).toBe('user_script:1: cannot change a protected metatable');
  });
});

describe('runtime errors', () => {
  it('name the variable as Lua 5.1 does', () => {
    expect(error('local t = nil return t.x')).toBe("user_script:1: attempt to index local 't' (a nil value)");
    expect(error('return undefinedglobal.x')).toBe("user_script:1: attempt to index global 'undefinedglobal' (a nil value)");
    expect(error('local t = {} return t.a.b')).toBe("user_script:1: attempt to index field 'a' (a nil value)");
    expect(error('local up local function f() return up.x end return f()')).toBe(
      "user_script:1: attempt to index upvalue 'up' (a nil value)",
    );
    expect(error('nofunc()')).toBe("user_script:1: attempt to call global 'nofunc' (a nil value)");
    expect(error('local t = {} t:nomethod()')).toBe("user_script:1: attempt to call method 'nomethod' (a nil value)");
    expect(error('local x return x + 1')).toBe("user_script:1: attempt to perform arithmetic on local 'x' (a nil value)");
    expect(error('return {} .. "x"')).toBe('user_script:1: attempt to concatenate a table value');
    expect(error('return 1 < "2"')).toBe('user_script:1: attempt to compare number with string');
    expect(error('return {} < {}')).toBe('user_script:1: attempt to compare two table values');
    expect(error('return #5')).toBe('user_script:1: attempt to get length of a number value');
    expect(error('\n\nlocal x = nil + 1')).toBe('user_script:3: attempt to perform arithmetic on a nil value');
  });

  it('error, pcall, assert', () => {
    expect(error('error("boom")')).toBe('user_script:1: boom');
    expect(error('error("boom", 0)')).toBe('boom');
    expect(error('error(42)')).toBe('user_script:1: 42');
    expect(run('return pcall(error, "x")')).toEqual([false, 'x']);
    expect(run('return pcall(function() error({code = 1}) end)')[0]).toBe(false);
    expect(run('return pcall(error, {err = "E x"})')).toEqual([false, 'E x']);
    expect(run('return pcall(function(a, b) return a + b end, 1, 2)')).toEqual([true, 3]);
    expect(error('assert(false)')).toBe('user_script:1: assertion failed!');
    expect(error('assert(nil, "msg")')).toBe('user_script:1: msg');
    expect(run('return assert(1, 2)')).toEqual([1, 2]);
    expect(run('return xpcall(function() error("z") end, function(m) return "h:" .. m end)')).toEqual([false, 'h:user_script:1: z']);
  });

  it('stack overflow is a Lua error', () => {
    const e = error('local function f() return f() + 1 end return f()');
    expect(e).toMatch(/stack overflow/);
  });
});

describe('string library', () => {
  it('find, match, gmatch, gsub with Lua patterns', () => {
    expect(run('return string.find("hello world", "o w")')).toEqual([5, 7]);
    expect(run('return string.find("a.b", ".", 1, true)')).toEqual([2, 2]);
    expect(run('return string.find("hello", "(l)(l)")')).toEqual([3, 4, 'l', 'l']);
    expect(run('return string.match("key:123", "(%a+):(%d+)")')).toEqual(['key', '123']);
    expect(run('return string.match("  trim  ", "^%s*(.-)%s*$")')).toEqual(['trim']);
    expect(run('return string.match("hello", "()ll()")')).toEqual([3, 5]);
    expect(run('return string.match("[tag]", "%[(.-)%]")')).toEqual(['tag']);
    expect(run('return string.find("f(a(b))", "%b()")')).toEqual([2, 7]);
    expect(run('return string.find("THE (quick) fox", "%f[%a]%a+", 5)')).toEqual([6, 10]);
    expect(run('return string.match("aaa", "(a)%1")')).toEqual(['a']);
    expect(run('return string.gsub("hello world", "(%w+)", "<%1>")')).toEqual(['<hello> <world>', 2]);
    expect(run('return string.gsub("abc", "", "-")')).toEqual(['-a-b-c-', 4]);
    expect(run('return string.gsub("hello", "l", {l = "L"})')).toEqual(['heLLo', 2]);
    expect(run('return string.gsub("abc", "%w", function(c) if c == "b" then return nil end return c:upper() end)')).toEqual(['AbC', 3]);
    expect(
      one('local t = {} for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do t[#t + 1] = k .. v end return table.concat(t, ",")'),
    ).toBe('a1,b2');
    expect(error('return string.find("x", "[a")')).toBe("user_script:1: malformed pattern (missing ']')");
  });

  it('format, sub, byte, char, rep, upper, lower, reverse, len', () => {
    expect(
      one('return string.format("%5.2f|%d|%s|%x|%X|%o|%e|%g|%c|%%|%-3s|%03d", 3.14159, 3.7, "s", 255, 255, 8, 12345.678, 0.1, 65, "a", 7)'),
    ).toBe(' 3.14|3|s|ff|FF|10|1.234568e+04|0.1|A|%|a  |007');
    expect(one('return string.format("%q", "a\\nb\\0\\"")')).toBe('"a\\\nb\\000\\""');
    expect(run('return ("hello"):sub(2, 4), ("hello"):sub(-3), ("hello"):sub(0), ("hello"):sub(10)')).toEqual(['ell', 'llo', 'hello', '']);
    expect(run('return string.byte("ABC", 1, -1)')).toEqual([65, 66, 67]);
    expect(run('return string.char(72, 105), string.rep("ab", 3), ("aBc"):upper(), ("AbC"):lower(), ("abc"):reverse(), #"abc"')).toEqual([
      'Hi',
      'ababab',
      'ABC',
      'abc',
      'cba',
      3,
    ]);
    expect(error('return string.rep()')).toBe("user_script:1: bad argument #1 to 'rep' (string expected, got no value)");
    expect(error('return ("x"):rep("y")')).toBe("user_script:1: bad argument #1 to 'rep' (number expected, got string)");
  });
});

describe('table and math libraries', () => {
  it('insert, remove, concat, sort, unpack, getn, maxn', () => {
    expect(one('local t = {1, 2, 3} table.insert(t, 4) table.insert(t, 1, 0) return table.concat(t, ",")')).toBe('0,1,2,3,4');
    expect(run('local t = {1, 2, 3} return table.remove(t), table.remove(t, 1), #t')).toEqual([3, 1, 1]);
    expect(one('local t = {3, 1, 2} table.sort(t) return table.concat(t)')).toBe('123');
    expect(one('local t = {"b", "c", "a"} table.sort(t, function(a, b) return a > b end) return table.concat(t)')).toBe('cba');
    expect(run('return unpack({1, 2, 3})')).toEqual([1, 2, 3]);
    expect(run('return unpack({1, 2, 3}, 2)')).toEqual([2, 3]);
    expect(run('return table.getn({1, 2}), table.maxn({[1] = 1, [7] = 2})')).toEqual([2, 7]);
    expect(error('return table.concat({1, {}, 3})')).toBe("user_script:1: invalid value (table) at index 2 in table for 'concat'");
  });

  it('math functions and Redis random', () => {
    expect(
      run('return math.floor(3.7), math.ceil(3.2), math.abs(-2), math.max(1, 5, 3), math.min(4, 2), math.fmod(7, 3), math.sqrt(16)'),
    ).toEqual([3, 4, 2, 5, 2, 1, 4]);
    expect(run('return math.modf(3.75)')).toEqual([3, 0.75]);
    expect(run('return math.huge, math.pi')).toEqual([Number.POSITIVE_INFINITY, Math.PI]);
    // The same sequence on every platform: rand48 seeded with 0 at state creation.
    const a = run('return math.random(1000), math.random(1000), math.random()');
    const b = run('return math.random(1000), math.random(1000), math.random()');
    expect(a).toEqual(b);
    expect(a[0]).toBe(397);
    expect(a[1]).toBe(841);
  });
});

describe('engine errors are LuaErrors', () => {
  it('carries the line where an error was raised', () => {
    try {
      run('local x = 1\nlocal y = 2\nerror("here")');
    } catch (e) {
      expect(e).toBeInstanceOf(LuaError);
      expect((e as LuaError).line).toBe(3);
      return;
    }
    throw new Error('no error');
  });
});
