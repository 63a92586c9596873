/**
 * Lua 5.1's pattern matcher has no depth limit (Lua 5.2 added "pattern too complex" at 200
 * levels): Redis 7.0 matches patterns that recurse thousands of levels deep. redis-sim's matcher
 * recurses on the JS stack: about 2,000 levels hold on a cold start, ~7,000 once optimized
 * (docs/compatibility.md), so the deepest case here is 2,000.
 */
import { compatSuite } from './harness.js';

const E = (script: string) => ['EVAL', script, '0'];

compatSuite('scripting: pattern matching depth', [
  {
    name: 'deeply recursive patterns match as in Lua 5.1',
    cmds: [
      E('return {pcall(string.match, string.rep("a", 150), string.rep("a?", 150))}'),
      E('return {pcall(string.match, string.rep("a", 250), string.rep("a?", 250))}'),
      E('return {pcall(string.match, string.rep("a", 2000), string.rep("a?", 2000))}'),
      E('return {pcall(string.find, string.rep("a", 300), string.rep("%a-", 300))}'),
      E('return {pcall(string.find, string.rep("ab", 400), string.rep("a?b", 400))}'),
      E('return {pcall(string.gsub, string.rep("a", 500), string.rep("a?", 500), "x")}'),
      E('local n = 0 for m in string.gmatch(string.rep("a", 600), string.rep("a?", 300)) do n = n + 1 end return n'),
    ],
  },
]);
