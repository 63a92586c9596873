/**
 * Script results nested past Redis's Lua stack limit: Redis converts the result on the Lua stack and
 * sends `-ERR reached lua stack limit` in place of the first value that no longer fits under
 * LUAI_MAXCSTACK (8000 slots), keeping every enclosing aggregate's length, so the client reads
 * exactly one reply and stays in sync.
 */
import { compatSuite } from './harness.js';

const E = (script: string, ...rest: string[]) => ['EVAL', script, '0', ...rest];
/** A table nested `n` levels deep around 1, built in a loop (no Lua recursion). */
const nest = (n: number, wrap: string) => `local t = 1 for i = 1, ${n} do t = ${wrap} end`;

compatSuite('scripting: result nesting limit', [
  {
    name: 'a self-referencing table is cut at the stack limit',
    cmds: [E('local a = {} local b = {a} a[1] = b return a'), ['PING']],
  },
  {
    name: 'arrays just under and just over the limit, with siblings after the cut',
    cmds: [
      E(`${nest(7994, '{t}')} return t`),
      E(`${nest(7995, '{t}')} return t`),
      E(`${nest(9000, '{t}')} return {t, 5, {6}}`),
      E(`${nest(9000, '{t}')} return {"a", t, t}`),
      ['PING'],
    ],
  },
  {
    name: 'maps and sets take more stack slots per level',
    cmds: [
      E(`${nest(3000, '{map={a=t}}')} return t`),
      E(`${nest(2000, '{map={a=t}}')} return t`),
      E(`${nest(3000, '{set={[t]=true}}')} return t`),
      E(`${nest(9000, '{t}')} return {map={k=t}}`),
      E(`${nest(9000, '{t}')} return {set={[t]=true}}`),
      ['PING'],
    ],
  },
  {
    name: 'status, error and double tables at the limit are cut too',
    cmds: [
      E(`${nest(7994, '{t}')} t = {{ok="fine"}} return t`),
      E(`local t = {ok="fine"} for i = 1, 7995 do t = {t} end return t`),
      E(`local t = {err="My error"} for i = 1, 7995 do t = {t} end return t`),
      ['PING'],
    ],
  },
  {
    name: 'FCALL results are cut at the same depth',
    cmds: [
      [
        'FUNCTION',
        'LOAD',
        'REPLACE',
        "#!lua name=nestlib\nredis.register_function('nest', function(keys, args) local t = 1 for i = 1, tonumber(args[1]) do t = {t} end return t end)",
      ],
      ['FCALL', 'nest', '0', '7994'],
      ['FCALL', 'nest', '0', '7995'],
      ['FUNCTION', 'DELETE', 'nestlib'],
    ],
  },
]);
