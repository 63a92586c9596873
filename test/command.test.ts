/**
 * COMMAND introspection derived from the command table: COUNT matches the table, INFO/DOCS shapes,
 * LIST filters, GETKEYS through key specs (ranges, keyword search, numkeys) and the table's
 * positions.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/index.js';
import { ioredis, raw, startSim } from './helpers.js';

describe('COMMAND', () => {
  it('COUNT and COMMAND list every command of the table (the control command included)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const count = (await r.call('COMMAND', 'COUNT')) as number;
    expect(count).toBe(COMMANDS.length);
    const all = (await r.call('COMMAND')) as unknown[][];
    expect(all).toHaveLength(count);
    expect(all.map((e) => e[0])).toContain('sim');
  });

  it('the control command is hidden when disabled', async () => {
    const sim = await startSim({ controlCommand: false });
    const r = ioredis(sim);
    expect(await r.call('COMMAND', 'COUNT')).toBe(COMMANDS.length - 1);
    expect(await r.call('COMMAND', 'INFO', 'sim')).toEqual([null]);
  });

  it('INFO: the 10 fields of a command, subcommands nested, unknown names null', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('COMMAND', 'INFO', 'get')).toBe(
      '*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n' +
        '*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n' +
        '$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n',
    );
    const r = ioredis(sim);
    const [config, nope] = (await r.call('COMMAND', 'INFO', 'config', 'nope')) as unknown[][];
    expect(nope).toBeNull();
    const subs = (config as unknown[])[9] as unknown[][];
    expect(subs.map((s) => s[0]).sort()).toEqual(['config|get', 'config|help', 'config|resetstat', 'config|rewrite', 'config|set']);
    const [kill] = (await r.call('COMMAND', 'INFO', 'CLIENT|KILL')) as unknown[][];
    expect(kill?.slice(0, 3)).toEqual(['client|kill', -3, ['admin', 'noscript', 'loading', 'stale']]);
  });

  it('DOCS: summary, since, group, complexity and arguments', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const [name, docs] = (await r.call('COMMAND', 'DOCS', 'get', 'nope')) as [string, unknown[]];
    expect(name).toBe('get');
    expect(docs.slice(0, 8)).toEqual(['summary', 'Get the value of a key', 'since', '1.0.0', 'group', 'string', 'complexity', 'O(1)']);
    const [, cfg] = (await r.call('COMMAND', 'DOCS', 'config')) as [string, unknown[]];
    const subIdx = cfg.indexOf('subcommands');
    const subs = cfg[subIdx + 1] as unknown[];
    expect(subs.filter((_, i) => i % 2 === 0).sort()).toEqual([
      'config|get',
      'config|help',
      'config|resetstat',
      'config|rewrite',
      'config|set',
    ]);
  });

  it('LIST with filters', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const all = (await r.call('COMMAND', 'LIST')) as string[];
    expect(all).toContain('client|kill');
    expect(all).toContain('get');
    expect(((await r.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'config|*')) as string[]).sort()).toEqual([
      'config|get',
      'config|help',
      'config|resetstat',
      'config|rewrite',
      'config|set',
    ]);
    const conn = (await r.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'connection')) as string[];
    expect(conn).toContain('ping');
    expect(conn).not.toContain('get');
    expect(await r.call('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x')).toEqual([]);
    await expect(r.call('COMMAND', 'LIST', 'FILTERBY', 'NAME', 'x')).rejects.toThrow('ERR syntax error');
  });
});

describe('COMMAND GETKEYS', () => {
  it('range, keyword and numkeys key specs; flags', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    expect(await r.call('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2')).toEqual(['a', 'b']);
    expect(await r.call('COMMAND', 'GETKEYS', 'GET', 'k')).toEqual(['k']);
    expect(await r.call('COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'GET')).toEqual([['k', ['RW', 'access', 'update']]]);
    expect(await r.call('COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v')).toEqual([['k', ['OW', 'update']]]);
  });

  it("Redis's errors", async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    await expect(r.call('COMMAND', 'GETKEYS', 'nope', 'x')).rejects.toThrow('ERR Invalid command specified');
    await expect(r.call('COMMAND', 'GETKEYS', 'ping', 'x')).rejects.toThrow('ERR The command has no key arguments');
    await expect(r.call('COMMAND', 'GETKEYS', 'set', 'x')).rejects.toThrow('ERR Invalid number of arguments specified for command');
  });
});
