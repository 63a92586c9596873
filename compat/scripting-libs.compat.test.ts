/**
 * Library functions of Redis's Lua compared byte for byte: cjson's configuration functions and
 * their effect, cjson's tokenizer and encoder edges, collectgarbage, the NaN signs of math and
 * arithmetic (x86-64 and glibc), string.format of NaN and out-of-range integers, string.dump.
 *
 * cjson's configuration (and the collector's pause) lives in the Lua state and persists from
 * one EVAL to the next until SCRIPT FLUSH, so every case that changes it starts with SCRIPT
 * FLUSH; a case on functions (a Lua state of its own that FUNCTION FLUSH keeps) restores what
 * it sets.
 */
import { compatSuite } from './harness.js';

const E = (script: string, ...rest: string[]) => ['EVAL', script, '0', ...rest];
const FLUSH = ['SCRIPT', 'FLUSH'];
/** A script returning pcall's results of `call` (error texts name the function '?'). */
const P = (call: string) => E(`return {pcall(${call})}`);
/** A script returning each expression through tostring. */
const S = (...exprs: string[]) => E(`return {${exprs.map((x) => `tostring(${x})`).join(', ')}}`);
/** Decodes `json` and returns the result re-encoded (or the error). */
const D = (json: string) =>
  E(
    `local ok, r = pcall(cjson.decode, ARGV[1]) if not ok then return {'err', r} end if type(r) == 'table' then return {'ok', cjson.encode(r)} end return {'ok', type(r), tostring(r)}`,
    json,
  );

compatSuite('scripting libs: cjson configuration', [
  {
    name: 'defaults and what each function returns',
    cmds: [
      FLUSH,
      E(
        'return {tostring(cjson.encode_keep_buffer()), cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(), tostring(cjson.encode_invalid_numbers()), tostring(cjson.decode_invalid_numbers())}',
      ),
      E('local a, b, c = cjson.encode_sparse_array() return {tostring(a), b, c}'),
      E('return {cjson._NAME, cjson._VERSION, tostring(cjson.null == cjson.decode("null"))}'),
    ],
  },
  {
    name: 'argument checks: ranges, types, options, too many arguments',
    cmds: [
      FLUSH,
      P('cjson.encode_number_precision, 15'),
      P('cjson.encode_number_precision, 0'),
      P('cjson.encode_number_precision, "x"'),
      P('cjson.encode_number_precision, {}'),
      P('cjson.encode_number_precision, 1, 2'),
      P('cjson.encode_number_precision, nil, nil'),
      P('cjson.encode_max_depth, 0'),
      P('cjson.decode_max_depth, -1'),
      P('cjson.encode_invalid_numbers, "bogus"'),
      P('cjson.encode_invalid_numbers, 1'),
      P('cjson.encode_keep_buffer, "null"'),
      P('cjson.decode_invalid_numbers, {}'),
      P('cjson.encode_sparse_array, 1, 2, 3, 4'),
      P('cjson.encode_sparse_array, "yes"'),
      P('cjson.encode_sparse_array, nil, nil, -1'),
      P('cjson.encode'),
      P('cjson.encode, 1, 2'),
      P('cjson.decode'),
      P('cjson.decode, {}'),
    ],
  },
  {
    name: 'argument errors called directly name the function',
    cmds: [
      FLUSH,
      E('return cjson.encode_number_precision(20)'),
      E('return cjson.encode_number_precision(1, 2)'),
      E('return cjson.encode_invalid_numbers("bogus")'),
      E('return cjson.encode_sparse_array(true, "x")'),
      E('return cjson.decode_max_depth(0)'),
    ],
  },
  {
    name: 'integer settings are C ints: fractions truncate, 2^32+n wraps, numeric strings count',
    cmds: [
      FLUSH,
      E('return {cjson.encode_number_precision(3.9), cjson.encode_number_precision()}'),
      E('return {cjson.encode_number_precision(2^32 + 5), cjson.encode_number_precision("7")}'),
      P('cjson.encode_number_precision, 2^32 + 15'),
      P('cjson.encode_number_precision, 1/0'),
      P('cjson.encode_max_depth, 0/0'),
    ],
  },
  {
    name: 'encode_number_precision applies to values and keys',
    cmds: [
      FLUSH,
      E('cjson.encode_number_precision(3) return cjson.encode({1/3, 2/3, 123456})'),
      E('return cjson.encode({0.0001234, -0, 1e100, 5, 12345, -2.5})'),
      E('return cjson.encode({[0.333333] = 1})'),
      E('cjson.encode_number_precision(1) return cjson.encode({0.25, 0.35, 95, 1.5e-7})'),
      E('cjson.encode_number_precision(14) return cjson.encode({1/3, 0.1, 1e15, 2^53})'),
    ],
  },
  {
    name: 'encode_invalid_numbers: refused, nan/inf, null; keys too',
    cmds: [
      FLUSH,
      P('cjson.encode, {1/0}'),
      P('cjson.encode, 0/0'),
      P('cjson.encode, {[1/0] = 1}'),
      E('local r = cjson.encode_invalid_numbers(true) return {tostring(r), cjson.encode({1/0, -1/0, 0/0, -(0/0)})}'),
      E('return cjson.encode({[1/0] = 1})'),
      E('local r = cjson.encode_invalid_numbers("null") return {r, cjson.encode({1/0, -1/0, 0/0, 1})}'),
      E('return cjson.encode({[-1/0] = 1})'),
      E('return {tostring(cjson.encode_invalid_numbers("on")), tostring(cjson.encode_invalid_numbers("off"))}'),
    ],
  },
  {
    name: 'decode_invalid_numbers: NaN, Inf, hex, +, leading zeros accepted by default, refused when off',
    cmds: [
      FLUSH,
      E(
        'local t = cjson.decode("[Infinity, -inf, 0x10, +5, 01, 1e400, 0x1p4, 0X1.8P1, -0x10, infinity, 1e-400, 4.9e-324, 0x1.fffffffffffff8p1023, 0x.8p-1074]") local o = {} for i = 1, 14 do o[i] = tostring(t[i]) end return o',
      ),
      E(
        'local t = cjson.decode("[0x1.000000000000080000000000000000000000001p0, 0x100000000000008000000000000000000000000p-152, 0x0000000000000000000000000000000000000000001.8p0, 0x1p-1075, 0x3p-1076]") local o = {} for i = 1, 5 do o[i] = string.format("%.17g", t[i]) end return o',
      ),
      E("return tostring(cjson.decode('0x' .. string.rep('1', 100000)))"),
      // NaN signs from scalars: a NaN stored in a table may lose its sign in V8 (docs/compatibility.md).
      S(
        'cjson.decode("NaN")',
        'cjson.decode("-nan")',
        'cjson.decode("nan(123)")',
        'cjson.decode(" -NaN ")',
        'cjson.decode("[NaN]")[1] ~= cjson.decode("[NaN]")[1]',
      ),
      E('return tostring(cjson.decode_invalid_numbers(false))'),
      P('cjson.decode, "[NaN]"'),
      P('cjson.decode, "[01]"'),
      P('cjson.decode, "[+1]"'),
      P('cjson.decode, "[0x10]"'),
      P('cjson.decode, "[-Inf]"'),
      P('cjson.decode, "[Infinity]"'),
      E('return cjson.encode(cjson.decode("[1.5, -0.5, 0, -0, 1e2]"))'),
      E('return tostring(cjson.decode_invalid_numbers("on"))'),
    ],
  },
  {
    name: 'encode_sparse_array: ratio, safe, convert to object; a later bad argument keeps earlier settings',
    cmds: [
      FLUSH,
      P('cjson.encode, {[1] = 1, [20] = 2}'),
      E('return cjson.encode({[1] = 1, [10] = 2})'),
      E('local a = cjson.encode_sparse_array(true) return {tostring(a), cjson.encode({[1] = 1, [20] = 2})}'),
      E('local a, b, c = cjson.encode_sparse_array("off", 0, 5) return {tostring(a), b, c, cjson.encode({[1] = 1, [200] = 2})}'),
      E('local a, b, c = cjson.encode_sparse_array(nil, 1, 3) return {tostring(a), b, c}'),
      P('cjson.encode, {[1] = 1, [2] = 2, [4] = 4}'),
      E(
        'local ok, e = pcall(cjson.encode_sparse_array, true, -1) local a, b, c = cjson.encode_sparse_array() return {e, tostring(a), b, c}',
      ),
      E('return cjson.encode({[1] = 1, [4] = 4})'),
    ],
  },
  {
    name: 'array keys beyond a C int, zero and negatives',
    cmds: [
      FLUSH,
      E('return cjson.encode({[1] = 1, [2^31] = 2})'),
      E('return cjson.encode({[2^31] = 2, [5] = 1})'),
      E('return cjson.encode({[0] = 1})'),
      E('return cjson.encode({[-1] = 1, [1] = 2})'),
      E('return cjson.encode({1, nil, 3})'),
      E('return cjson.encode({nil, nil, 3})'),
      E('return cjson.encode({[1.5] = 2})'),
    ],
  },
  {
    name: 'max depths, and the C stack limit once they are raised',
    cmds: [
      FLUSH,
      E(
        'local t = {} local c = t for i = 1, 999 do c[1] = {} c = c[1] end local r = cjson.encode(t) c[1] = {} return {#r, select(2, pcall(cjson.encode, t))}',
      ),
      P('cjson.decode, string.rep("[", 1000) .. string.rep("]", 1000)'),
      P('cjson.decode, string.rep("[", 1001) .. string.rep("]", 1001)'),
      E('local d = cjson.encode_max_depth(2) return {d, select(2, pcall(cjson.encode, {{{1}}})), cjson.encode({{1}})}'),
      E(
        'local d = cjson.decode_max_depth(2) return {d, select(2, pcall(cjson.decode, "[[[1]]]")), select(2, pcall(cjson.decode, \'{"a":{"b":{}}}\'))}',
      ),
      E(
        'cjson.decode_max_depth(100000) return {select(2, pcall(cjson.decode, string.rep("[", 7999) .. string.rep("]", 7999))), #cjson.encode(cjson.decode(string.rep("[", 7998) .. string.rep("]", 7998)))}',
      ),
      E(
        'return {select(2, pcall(cjson.decode, string.rep(\'{"a":\', 4000) .. "1" .. string.rep("}", 4000))), type(cjson.decode(string.rep(\'{"a":\', 3999) .. "1" .. string.rep("}", 3999)))}',
      ),
      E('return select(2, pcall(cjson.decode, string.rep(\'[{"a":\', 2667) .. "1" .. string.rep("}]", 2667)))'),
      E(
        'cjson.encode_max_depth(100000) local t = {} local c = t for i = 1, 7996 do c[1] = {} c = c[1] end local n = #cjson.encode(t) c[1] = {} return {n, select(2, pcall(cjson.encode, t))}',
      ),
      E(
        'local t = {} local c = t for i = 1, 3998 do c.a = {} c = c.a end local n = #cjson.encode(t) c.a = {} return {n, select(2, pcall(cjson.encode, t))}',
      ),
    ],
  },
  {
    name: 'encode_keep_buffer: booleans and on/off',
    cmds: [
      FLUSH,
      E(
        'local e = cjson.encode_keep_buffer(false) local r = cjson.encode({1}) local e2 = cjson.encode_keep_buffer("on") return {tostring(e), r, tostring(e2)}',
      ),
      E('return {tostring(cjson.encode_keep_buffer("off")), select(2, pcall(cjson.encode, {f = string.len}))}'),
    ],
  },
  {
    name: 'cjson.new: a fresh table with its own default configuration',
    cmds: [
      FLUSH,
      E(
        'local c = cjson.new() c.encode_number_precision(2) return {c.encode(1/3), cjson.encode(1/3), c.encode_number_precision(), cjson.encode_number_precision()}',
      ),
      E('local c = cjson.new() return {c._NAME, c._VERSION, type(c.new), tostring(c.null == cjson.null), type(c.new().encode)}'),
      E('cjson.encode_number_precision(5) local c = cjson.new() return {c.encode(1/3), cjson.encode(1/3)}'),
      E('local c = cjson.new() c.x = 1 return c.x'),
      P('function() cjson.x = 1 end'),
    ],
  },
  {
    name: 'the configuration persists across EVALs until SCRIPT FLUSH',
    cmds: [
      FLUSH,
      E('return cjson.encode_number_precision(3)'),
      E('return cjson.encode(1/3)'),
      E('return {tostring(cjson.encode_invalid_numbers("null")), cjson.encode(0/0)}'),
      E('return {cjson.encode(1/0), cjson.encode_number_precision()}'),
      FLUSH,
      E('return {cjson.encode(1/3), cjson.encode_number_precision(), select(2, pcall(cjson.encode, 1/0))}'),
    ],
  },
  {
    name: 'functions have a Lua state (and cjson configuration) of their own, kept by FUNCTION FLUSH',
    cmds: [
      FLUSH,
      ['FUNCTION', 'FLUSH'],
      [
        'FUNCTION',
        'LOAD',
        "#!lua name=cjlib\nredis.register_function('setp', function(keys, args) return cjson.encode_number_precision(tonumber(args[1])) end)\nredis.register_function('enc', function(keys, args) return cjson.encode(1/3) end)",
      ],
      ['FCALL', 'setp', '0', '3'],
      ['FCALL', 'enc', '0'],
      E('return cjson.encode(1/3)'),
      FLUSH,
      ['FCALL', 'enc', '0'],
      ['FUNCTION', 'FLUSH'],
      [
        'FUNCTION',
        'LOAD',
        "#!lua name=cjlib\nredis.register_function('enc', function(keys, args) return {cjson.encode(1/3), cjson.encode_number_precision(14)} end)",
      ],
      ['FCALL', 'enc', '0'],
      ['FCALL', 'enc', '0'],
      [
        'FUNCTION',
        'LOAD',
        'REPLACE',
        "#!lua name=cjlib\nlocal p = cjson.encode_number_precision(14)\nredis.register_function('enc', function() return 1 end)",
      ],
      ['FUNCTION', 'FLUSH'],
    ],
  },
]);

compatSuite('scripting libs: cjson decoding and encoding', [
  {
    name: 'tokens, values and error positions',
    cmds: [
      ...[
        '',
        ' ',
        '[',
        ']',
        '[1,]',
        '[1 2]',
        '{"a" 1}',
        '{"a":1,}',
        '{1:2}',
        '{"a":1 "b"}',
        'tru',
        'nul',
        'x',
        '[tRue]',
        '[true, false, null]',
        '-',
        '- 1',
        '+',
        '+x',
        '.5',
        '-.5',
        '1.',
        '1e',
        '1e+',
        '0x',
        '0xg',
        '1.5.3',
        '[-]',
        '[1e5x]',
        '[0001]',
        '[-01]',
        '[01.5]',
        '[1]x',
        '[1]   ',
        '  "x"  y',
        '123456789012345678901234567890',
        '1E400',
        '-1e-400',
        '{"a":1,"a":2}',
        '[[[[[]]]]]',
        '{"a":[1,{"b":null}],"c":true}',
      ].map(D),
    ],
  },
  {
    name: 'strings: escapes, unicode, surrogates, raw control bytes',
    cmds: [
      ...[
        '"abc',
        '"a\\x"',
        '"\\u12"',
        '"\\u12g4"',
        '"\\ud800"',
        '"\\ud800\\u0041"',
        '"\\udc00"',
        '"\\ud83d\\ude00"',
        '"\\u00e9\\u0000z"',
        '"\\/\\b\\f\\n\\r\\t\\"\\\\"',
        '["\\u00ff", "\\u20AC", "\\uFFFF"]',
        '"tab\there"',
        '"\u00e9"',
      ].map(D),
    ],
  },
  {
    name: 'NUL bytes: the end of the text, UTF-16/32 detection',
    cmds: [D('[1]\0junk'), D('\0[1]'), D('1\0'), D('["a\0b"]'), D(' \0'), D('1'), D('7 ')],
  },
  {
    name: 'encode: strings, types, keys',
    cmds: [
      E('return cjson.encode({"a\\0b", string.char(127, 31, 200, 8, 9, 10, 12, 13), "/\\"\\\\"})'),
      E('return cjson.encode({})'),
      E('return cjson.encode({{}, {{}}})'),
      E('return cjson.encode(cjson.null)'),
      E('return cjson.encode({cjson.null, true, false, "x"})'),
      P('cjson.encode, {f = function() end}'),
      P('cjson.encode, {[true] = 1}'),
      P('cjson.encode, {[{}] = 1}'),
      P('cjson.encode, coroutine.create(function() end)'),
      P('cjson.encode, string.len'),
      S('cjson.null', 'cjson.decode("null")', 'type(cjson.null)', 'cjson.decode("[null]")[1] == cjson.null'),
      E('return cjson.encode(-0)'),
      E('return cjson.encode(123456789012345678)'),
    ],
  },
]);

compatSuite('scripting libs: collectgarbage and gcinfo', [
  {
    name: 'options, results and argument errors',
    cmds: [
      FLUSH,
      S(
        'collectgarbage()',
        'collectgarbage(nil)',
        'collectgarbage("collect")',
        'collectgarbage("stop")',
        'collectgarbage("restart")',
        'collectgarbage("collect", "7")',
      ),
      E('return {type(collectgarbage("count")), type(gcinfo()), tostring(collectgarbage("count") > 0)}'),
      S('collectgarbage("step", 100000)'),
      P('collectgarbage, "bogus"'),
      P('collectgarbage, "COUNT"'),
      P('collectgarbage, 1'),
      P('collectgarbage, {}'),
      P('collectgarbage, "count", "x"'),
      E('return collectgarbage("bogus")'),
    ],
  },
  {
    name: 'setpause and setstepmul return the previous value and persist until SCRIPT FLUSH',
    cmds: [
      FLUSH,
      S('collectgarbage("setpause", 100)', 'collectgarbage("setpause", 150)', 'collectgarbage("setstepmul", 300)'),
      S(
        'collectgarbage("setpause")',
        'collectgarbage("setpause", 1.9)',
        'collectgarbage("setpause", 2^32 + 5)',
        'collectgarbage("setpause", 200)',
      ),
      S('collectgarbage("setstepmul")', 'collectgarbage("setstepmul", 200)'),
      FLUSH,
      S('collectgarbage("setpause", 200)', 'collectgarbage("setstepmul", 200)'),
    ],
  },
]);

compatSuite('scripting libs: NaN signs and C conversions', [
  {
    name: 'math functions: domain errors and NaN arguments',
    cmds: [
      S(
        'math.log(-1)',
        'math.log(-1/0)',
        'math.log10(-1)',
        'math.sqrt(-1)',
        'math.acos(2)',
        'math.asin(-2)',
        'math.sin(1/0)',
        'math.cos(-1/0)',
        'math.tan(1/0)',
      ),
      S(
        'math.fmod(1, 0)',
        'math.fmod(1/0, 1)',
        'math.mod(-1/0, 2)',
        'math.pow(-1, 0.5)',
        'math.pow(-8, 1/3)',
        '(-1)^0.5',
        'math.pow(1, 0/0)',
        'math.pow(-1, 1/0)',
        '1^(0/0)',
      ),
      E(
        'local N = 0/0 local P = -N return {tostring(N), tostring(P), tostring(math.abs(N)), tostring(math.floor(N)), tostring(math.ceil(P)), tostring(math.exp(N)), tostring(math.log(P)), tostring(math.acos(N)), tostring(math.asin(P)), tostring(math.log10(N)), tostring(math.sqrt(P))}',
      ),
      E(
        'local N = 0/0 local P = -N return {tostring(math.pow(N, 1)), tostring(math.pow(N, -1)), tostring(math.pow(N, 2)), tostring(math.pow(N, 0)), tostring(math.pow(P, 3)), tostring(math.pow(2, N)), tostring(math.pow(N, P)), tostring(math.pow(P, N))}',
      ),
      E(
        'local N = 0/0 local P = -N return {tostring(math.fmod(N, P)), tostring(math.fmod(P, N)), tostring(math.fmod(2, N)), tostring(math.fmod(1/0, P)), tostring(math.atan2(N, P)), tostring(math.atan2(P, N)), tostring(math.atan2(N, 1)), tostring(math.atan2(1, P))}',
      ),
      E(
        'local N = 0/0 local P = -N local a, b = math.modf(N) local c, d = math.modf(P) local e, f = math.frexp(N) return {tostring(a), tostring(b), tostring(c), tostring(d), tostring(e), f}',
      ),
      E(
        'local z = 0 local a, b = math.modf(-3) local c, d = math.modf(-1/0) local e, f = math.modf(-z) return {tostring(a), tostring(b), tostring(c), tostring(d), tostring(e), tostring(f)}',
      ),
      E(
        'local N = 0/0 return {tostring(math.min(N, 1)), tostring(math.max(1, N)), tostring(math.min(-N, 1)), tostring(math.ldexp(N, 3)), tostring(math.deg(N)), tostring(math.rad(-N))}',
      ),
      E(
        'local o = {} for _, x in ipairs({1, -1, 0.5, 3, 5e-324, 1e-310, -2.5e-320, 2^1023, 1.7976931348623157e308, 2^-1022, 0.1, -7.25, 1/0}) do local m, e = math.frexp(x) o[#o+1] = string.format("%.17g %d", m, e) end return o',
      ),
    ],
  },
  {
    name: 'arithmetic: invalid operations, NaN operands, %, ^ and string coercion',
    cmds: [
      S('0/0', '-(0/0)', '1/0 - 1/0', '(1/0) * 0', 'math.huge % 1', '1 % 0', '-1 % 0', '(0/0) % 1', '5 % (0/0)', '(0/0) ^ 1'),
      E(
        'local N = 0/0 local P = -N local t = {a = N, b = P} return {tostring(t.a + t.b), tostring(t.b + t.a), tostring(t.a * t.b), tostring(t.b * t.a), tostring(t.a - t.b), tostring(t.b / t.a), tostring(t.a % t.b), tostring(t.b % t.a)}',
      ),
      S(
        '"-nan" + 0',
        '"nan" * 1',
        'tonumber("-nan")',
        'tonumber(" -NaN ")',
        'tonumber("nan(12)")',
        'tonumber("-nan(1)")',
        'tonumber("nanx")',
        'math.floor("-nan")',
      ),
      E('local t = {} t[1] = math.log(-1) t[3] = 0/0 t.x = -(0/0) return {tostring(t[1]), tostring(t[3]), tostring(t.x)}'),
    ],
  },
  {
    name: 'string.format of NaN and infinities with flags',
    cmds: [
      E('return string.format("%.3f|%5.1g|%-6e|%+f|% f|%E|%G", 0/0, -(0/0), 0/0, -(0/0), -(0/0), 0/0, -(0/0))'),
      E("return string.format('%+f|% f|%+e|%+g|%+5.1f|%-+7f|% 08f|%+08f|%05f', 0/0, 0/0, 1/0, -(0/0), 1/0, 0/0, -(0/0), 1/0, -1/0)"),
      E('return string.format("%f|%e|%g|%.0f", math.log(-1), math.acos(2), math.fmod(1, 0), math.sqrt(-1))'),
    ],
  },
  {
    name: 'string.format integers: (long) and (unsigned long) of NaN, infinities and values out of range',
    cmds: [
      ...['1/0', '-1/0', '2^64', '2^63', '-2^64', '1.5*2^63', '-2^63', '2^63-1024', '0/0', '-(0/0)', '-1', '1e30', '-1e30', '2^53+1'].map(
        (x) => E(`return string.format('%x|%o|%u|%d|%X|%5.3d|%#x|%#o|%i', ${x}, ${x}, ${x}, ${x}, ${x}, ${x}, ${x}, ${x}, ${x})`),
      ),
    ],
  },
  {
    name: 'luaL_checkint arguments of math: ldexp, random',
    cmds: [
      S(
        'math.ldexp(1, 2^32 + 3)',
        'math.ldexp(3, 1/0)',
        'math.ldexp(1, 0/0)',
        'math.ldexp(1, -1074)',
        'math.ldexp(1, 1024)',
        'math.ldexp(2^-1074, 1100)',
      ),
      E('math.randomseed(2^32 + 7) local a = math.random(1000) math.randomseed(7) return {a, math.random(1000)}'),
      E('math.randomseed(1) return {math.random(2^32 + 3) <= 3, math.random(-2^31, 2^31 - 1)}'),
      P('math.random, 2^32'),
      S('math.deg(1)', 'math.deg(0.7)', 'math.rad(33)', 'string.format("%.17g", math.deg(0.7))', 'string.format("%.17g", math.rad(33))'),
    ],
  },
]);

compatSuite('scripting libs: string.dump', [
  {
    name: 'argument errors and C functions',
    cmds: [
      E('return string.dump(string.len)'),
      P('string.dump, string.len'),
      E('return string.dump(1)'),
      P('string.dump'),
      P('string.dump, nil'),
      P('string.dump, {}'),
      P('string.dump, "x"'),
      E('return ("x"):dump()'),
      E('return string.dump()'),
    ],
  },
  {
    name: 'C int and lua_Integer arguments; numerals as strtod reads them (hex floats)',
    cmds: [
      E('return string.rep("ab", 2^32+2)'),
      E('return string.sub("hello", 2, math.huge)'),
      E('return string.sub("hello", -math.huge, 3)'),
      E('return {string.byte("hello", 2^32+1, 2^32+2)}'),
      E('return {string.byte("hello", 0/0)}'),
      E('return string.rep("x", 2^31)'),
      E('return {pcall(string.char, 256+65)}'),
      E('return string.char(2^32+65)'),
      E('return {unpack({1,2,3}, 2^32+1, 2^32+2)}'),
      E('return {select(2^32+2, "a", "b", "c")}'),
      E('local t = {"a", "b"} table.insert(t, 2^32+1, "x") return t'),
      E('return {string.find("hello", "l", 2^32+1)}'),
      E('return {string.find("hello", "l", -math.huge)}'),
      E('return {pcall(struct.unpack, "b", "x", -1)}'),
      E('return {pcall(struct.unpack, "b", "x", 0)}'),
      E('return {pcall(struct.unpack, "b", "xy", 2)}'),
      E('return table.concat({"a","b","c"}, ",", 2^32+1, 2^32+3)'),
      E('return {string.gsub("aaa", "a", "b", 2^32+1)}'),
      E(
        'return {tonumber("0x1p4"), tonumber("0x.8"), tonumber("0X1.8P1"), tonumber("0x1p-2"), tonumber("  0x10  "), tonumber("0x"), tonumber("0x1p")}',
      ),
      E('return 0x1p4'),
      E('return {tonumber("1e"), tonumber("1."), tonumber(".5"), tonumber("\\1601")}'),
      E('return 0x1e+5'),
      E('return {1e5, 1E+2, 0x10, 0xA, 3.}'),
      E('return {tonumber("0x0p99999"), tonumber("0x1p99999") == math.huge, tonumber("-0x1P-1"), tonumber("0xfffffffffffffffff")}'),
      E('return {tonumber(" \\t12\\n"), tonumber("12 x")}'),
    ],
  },
  {
    name: 'cmsgpack packs NaN as a double with its sign',
    cmds: [
      E('local s = cmsgpack.pack(0/0) local o = {} for i = 1, #s do o[i] = string.byte(s, i) end return o'),
      E('local s = cmsgpack.pack(-(0/0)) local o = {} for i = 1, #s do o[i] = string.byte(s, i) end return o'),
      E('local s = cmsgpack.pack(math.huge, 1.5, 0.1, -0.0) local o = {} for i = 1, #s do o[i] = string.byte(s, i) end return o'),
    ],
  },
  {
    name: 'argument errors name the function as the call site does',
    cmds: [
      E('local p = cjson.encode_number_precision return {pcall(function() p(20) end)}'),
      E('local r = string.rep return {pcall(function() r() end)}'),
      E('return {pcall(function() string.rep() end)}'),
      E('return {pcall(function() local t = {string.rep} t[1]() end)}'),
      E('return {pcall(function() ("x"):rep() end)}'),
      E('return {pcall(function() ("x").rep() end)}'),
      E('return {pcall(function() tonumber() end)}'),
      E('return {pcall(function() local s = string s.sub() end)}'),
      E('return {pcall(function() (string.rep)() end)}'),
      E('return {pcall(function() local f = function() return string.rep end f()() end)}'),
      E('return {pcall(string.rep)}'),
      E('return {pcall(function() for w in string.gmatch() do end end)}'),
      E(
        'return {pcall(function() setmetatable({}, {__index = string.rep}).x = 1 local y = setmetatable({}, {__index = string.sub}).z end)}',
      ),
      E('return {pcall(function() redis.call() end)}'),
      E('return {pcall(function() local c = redis.call c() end)}'),
      E('return {pcall(function() string.format("%d", "x") end)}'),
      E('return {pcall(function() local fmt = string.format fmt("%d", "x") end)}'),
      E('return {pcall(function() local t = nil; (t).x = 1 end)}'),
      E('return {pcall(function() local t = nil; return (t)() end)}'),
    ],
  },
]);
