/**
 * Scripts that exhaust memory get Lua's memory error, never take the process down.
 *
 * Redis's Lua takes what malloc gives: `string.rep('ab', 2^28)` is a 512 MB reply there. In
 * redis-sim a Lua string is a V8 string (at most 2^29 - 24 characters) in a heap of fixed size
 * shared with the server and, in-process, with the test runner. So past V8's longest string, and
 * past a cap below V8's heap limit (60% of it), a script gets Lua's LUA_ERRMEM: the bare message
 * "not enough memory", which pcall catches and no error handler sees; uncaught, Redis's reply for
 * an error that is not a table: "ERR Error running script <sha>, not enough memory".
 *
 * Heap exhaustion is tested on a CLI process with a small heap (--max-old-space-size), so the
 * cap is reached in a second and a failure would not kill the test runner.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScriptingEngine } from '../src/commands/scripting.js';
import { ensureDist, startCliProcess } from './cli-process.js';
import { encodeCommand, ioredis, RawClient, startSim } from './helpers.js';

const sha1 = (s: string) => createHash('sha1').update(s, 'latin1').digest('hex');
const memError = (body: string) => `-ERR Error running script ${sha1(body)}, not enough memory\r\n`;

/** EVAL of `body` with no keys, waiting up to a minute for the reply (a loaded machine is slow). */
function evalSlow(c: RawClient, body: string): Promise<string> {
  c.write(encodeCommand(['EVAL', body, '0']));
  return c.read(1, 60_000);
}

beforeAll(ensureDist, 240_000);

describe('a string longer than V8 allows', () => {
  const REP = "return string.rep('ab', 268435456)";

  it('as the first script of a fresh process (the engine loads meanwhile): an error reply, and the process serves on', async () => {
    const cli = await startCliProcess();
    const c = await RawClient.connect(cli.port);
    expect(await evalSlow(c, REP)).toBe(memError(REP));
    expect(await c.call('PING')).toBe('+PONG\r\n');
    // And as a later script, the same reply.
    expect(await c.call('EVAL', REP, '0')).toBe(memError(REP));
    expect(await c.call('EVAL', 'return 1', '0')).toBe(':1\r\n');
    c.close();
    expect(cli.proc.exitCode).toBe(null);
  });

  it('pcall catches it ("not enough memory", no position); xpcall returns it without calling its handler', async () => {
    await loadScriptingEngine();
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.eval("local ok, e = pcall(string.rep, 'ab', 268435456) return {tostring(ok), e}", 0)).toEqual([
      'false',
      'not enough memory',
    ]);
    expect(
      await r.eval(
        "local ok, e = xpcall(function() return string.rep('x', 2^30) end, function(m) return 'handled: ' .. m end) return {tostring(ok), e}",
        0,
      ),
    ).toEqual(['false', 'not enough memory']);
    // A script can go on after catching it.
    expect(await r.eval("pcall(string.rep, 'x', 2^31 - 1) return #string.rep('x', 1000)", 0)).toBe(1000);
  });

  it('a concatenation past the limit is the same error', async () => {
    await loadScriptingEngine();
    const sim = await startSim();
    const c = await RawClient.connect(sim.port);
    const body = "local s = string.rep('x', 2^28) return #(s .. s .. s)";
    expect(await c.call('EVAL', body, '0')).toBe(memError(body));
    c.close();
  });
});

describe('Lua allocations are capped below the V8 heap limit', () => {
  /** A CLI process with a 192 MB old space: its cap is about 140 MB of heap. */
  async function smallHeap(): Promise<RawClient> {
    const cli = await startCliProcess([], ['--max-old-space-size=192']);
    const c = await RawClient.connect(cli.port);
    expect(await c.call('CONFIG', 'SET', 'busy-reply-threshold', '120000')).toBe('+OK\r\n');
    return c;
  }

  it('ten 50 MB strings kept in a table: the memory error, then the heap is usable again', async () => {
    const c = await smallHeap();
    const body = 'local t = {} for i = 1, 10 do t[i] = string.rep(string.char(64 + i), 50 * 1024 * 1024) end return #t';
    expect(await evalSlow(c, body)).toBe(memError(body));
    expect(await c.call('PING')).toBe('+PONG\r\n');
    // What the failed script held is garbage now: the same amount again fits, twice over.
    for (let i = 0; i < 2; i++) {
      expect(await evalSlow(c, "local t = {} for i = 1, 2 do t[i] = string.rep('y', 30 * 1024 * 1024) end return #t[2]")).toBe(
        `:${30 * 1024 * 1024}\r\n`,
      );
    }
    c.close();
  }, 120_000);

  it('millions of small tables: the memory error (catchable by pcall), and the server serves on', async () => {
    const c = await smallHeap();
    const body = 'local t = {} for i = 1, 8e7 do t[i] = {} end return #t';
    expect(await evalSlow(c, body)).toBe(memError(body));
    const caught = 'local t = {} local ok, e = pcall(function() for i = 1, 8e7 do t[i] = {i} end end) t = nil return {tostring(ok), e}';
    expect(await evalSlow(c, caught)).toBe('*2\r\n$5\r\nfalse\r\n$17\r\nnot enough memory\r\n');
    expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
    expect(await c.call('EVAL', 'local t = {} for i = 1, 1e5 do t[i] = {i} end return #t', '0')).toBe(':100000\r\n');
    c.close();
  }, 120_000);

  it('a string grown by concatenation in a loop is not refused while it fits', async () => {
    const c = await smallHeap();
    // 4 MB built by 4 KB appends: every step counts the whole string, checks the heap often, and passes.
    const body = "local s = '' local piece = string.rep('z', 4096) for i = 1, 1024 do s = s .. piece end return #s";
    expect(await c.call('EVAL', body, '0')).toBe(`:${4 * 1024 * 1024}\r\n`);
    c.close();
  }, 60_000);
});
