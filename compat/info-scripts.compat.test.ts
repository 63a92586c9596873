/**
 * INFO memory's script-cache fields: number_of_cached_scripts counts EVAL/SCRIPT LOAD scripts until
 * SCRIPT FLUSH, number_of_functions/number_of_libraries count loaded functions, and the byte fields
 * follow Redis's evalScriptsMemory and functionsMemoryOverhead (jemalloc size classes).
 *
 * A dict that grows past 4 entries rehashes incrementally, one bucket per lookup, and counts both
 * tables' slots until done; how many lookups that takes depends on Redis's random hash seed. So
 * after the 5th script or function each case does a few lookups (SCRIPT EXISTS, FCALL) before
 * reading INFO, which leaves the real dict rehashed.
 */
import { compatSuite } from './harness.js';

const FIELDS =
  /^(number_of_cached_scripts|used_memory_scripts_eval|number_of_functions|number_of_libraries|used_memory_functions|used_memory_scripts|used_memory_scripts_human):/;

/** Keeps only the script-cache lines of an INFO reply (the rest is process memory). */
const scriptLines = (raw: string) =>
  raw.startsWith('$') || raw.startsWith('=')
    ? raw
        .split('\r\n')
        .filter((l) => FIELDS.test(l))
        .join('\n')
    : raw;

const INFO = ['INFO', 'memory'];
const LIB = (name: string, fns: string[], desc = false) =>
  `#!lua name=${name}\n${fns
    .map((f) =>
      desc
        ? `redis.register_function{function_name='${f}', callback=function() return 1 end, description='the function ${f}'}`
        : `redis.register_function('${f}', function() return 1 end)`,
    )
    .join('\n')}`;

compatSuite('INFO memory: script caches', [
  {
    name: 'cached scripts are counted until SCRIPT FLUSH',
    cmds: [
      ['SCRIPT', 'FLUSH'],
      ['FUNCTION', 'FLUSH'],
      INFO,
      ['EVAL', 'return 1', '0'],
      INFO,
      ['EVAL', 'return 1', '0'],
      ['EVAL', `return '${'x'.repeat(100)}'`, '0'],
      ['SCRIPT', 'LOAD', `return '${'y'.repeat(300)}'`],
      ['SCRIPT', 'LOAD', 'return 2'],
      ['EVAL', 'return 3', '0'],
      ['SCRIPT', 'EXISTS', 'a', 'b', 'c', 'd', 'e', 'f'],
      INFO,
      ['EVAL', 'syntax error here', '0'],
      INFO,
      ['SCRIPT', 'FLUSH'],
      INFO,
    ],
    normalize: scriptLines,
  },
  {
    name: 'functions and libraries are counted with their memory',
    cmds: [
      ['SCRIPT', 'FLUSH'],
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', LIB('mylib', ['f1'])],
      INFO,
      ['FUNCTION', 'LOAD', LIB('other', ['g1', 'g2', 'a_longer_function_name_past_32_bytes', 'g4', 'g5'], true)],
      ...['g1', 'g2', 'g4', 'g5', 'f1', 'g1'].map((f) => ['FCALL', f, '0']),
      INFO,
      ['FUNCTION', 'DELETE', 'mylib'],
      INFO,
      ['FUNCTION', 'FLUSH'],
      INFO,
    ],
    normalize: scriptLines,
  },
]);
