/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH over TCP: replies byte for byte, queue-time vs run-time
 * errors, and every way a WATCH is invalidated (writes by any client, expiry on the virtual clock,
 * FLUSHALL, SWAPDB), with several real connections.
 */
import { describe, expect, it } from 'vitest';
import { ioredis, raw, startSim } from './helpers.js';

describe('MULTI / EXEC', () => {
  it('queues commands and returns their replies in one array', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('SET', 'a', '1')).toBe('+QUEUED\r\n');
    expect(await c.call('GET', 'a')).toBe('+QUEUED\r\n');
    // Nothing ran yet: another client does not see the key.
    expect(await (await raw(sim)).call('GET', 'a')).toBe('$-1\r\n');
    expect(await c.call('EXEC')).toBe('*2\r\n+OK\r\n$1\r\n1\r\n');
    expect(await c.call('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
  });

  it('an empty transaction returns an empty array', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*0\r\n']);
  });

  it('commands rejected while queueing make EXEC fail with EXECABORT and nothing runs', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const replies = await c.pipeline([['MULTI'], ['SET', 'a', '1'], ['GET'], ['NOPE', 'x'], ['EXEC'], ['GET', 'a'], ['EXEC']]);
    expect(replies).toEqual([
      '+OK\r\n',
      '+QUEUED\r\n',
      "-ERR wrong number of arguments for 'get' command\r\n",
      "-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n",
      '-EXECABORT Transaction discarded because of previous errors.\r\n',
      '$-1\r\n',
      '-ERR EXEC without MULTI\r\n',
    ]);
  });

  it('errors raised while EXEC runs are returned in place and the other commands still run', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.pipeline([['MULTI'], ['SET', 'a', '1'], ['SELECT', '99'], ['GET', 'a']]);
    expect(await c.call('EXEC')).toBe('*3\r\n+OK\r\n-ERR DB index is out of range\r\n$1\r\n1\r\n');
  });

  it('nested MULTI and WATCH inside MULTI are errors that do not doom the transaction', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const replies = await c.pipeline([['MULTI'], ['MULTI'], ['WATCH', 'x'], ['SET', 'a', '1'], ['EXEC']]);
    expect(replies).toEqual([
      '+OK\r\n',
      '-ERR MULTI calls can not be nested\r\n',
      '-ERR WATCH inside MULTI is not allowed\r\n',
      '+QUEUED\r\n',
      '*1\r\n+OK\r\n',
    ]);
  });

  it('DISCARD drops the queue; DISCARD and EXEC without MULTI are errors', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    const replies = await c.pipeline([['DISCARD'], ['MULTI'], ['SET', 'a', '1'], ['DISCARD'], ['GET', 'a'], ['EXEC']]);
    expect(replies).toEqual([
      '-ERR DISCARD without MULTI\r\n',
      '+OK\r\n',
      '+QUEUED\r\n',
      '+OK\r\n',
      '$-1\r\n',
      '-ERR EXEC without MULTI\r\n',
    ]);
  });

  it('a rejected EXEC (wrong arity) discards the transaction with EXECABORT, in MULTI or not', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.pipeline([['MULTI'], ['SET', 'a', '1'], ['EXEC', 'x'], ['EXEC'], ['GET', 'a'], ['EXEC', 'x']])).toEqual([
      '+OK\r\n',
      '+QUEUED\r\n',
      "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n",
      '-ERR EXEC without MULTI\r\n',
      '$-1\r\n',
      "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n",
    ]);
  });

  it('UNWATCH inside MULTI is queued like any command', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.pipeline([['MULTI'], ['UNWATCH'], ['EXEC']])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*1\r\n+OK\r\n']);
  });

  it('RESET leaves MULTI', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    expect(await c.pipeline([['MULTI'], ['SET', 'a', '1'], ['RESET'], ['EXEC'], ['GET', 'a']])).toEqual([
      '+OK\r\n',
      '+QUEUED\r\n',
      '+RESET\r\n',
      '-ERR EXEC without MULTI\r\n',
      '$-1\r\n',
    ]);
  });

  it('works with a client library (ioredis multi)', async () => {
    const sim = await startSim();
    const r = ioredis(sim);
    const res = await r.multi().set('k', 'v').get('k').exec();
    expect(res).toEqual([
      [null, 'OK'],
      [null, 'v'],
    ]);
  });

  it('PUBLISH inside a transaction delivers after EXEC, in order', async () => {
    const sim = await startSim();
    const sub = await raw(sim);
    await sub.call('SUBSCRIBE', 'ch');
    const c = await raw(sim);
    await c.pipeline([['MULTI'], ['PUBLISH', 'ch', 'one'], ['PUBLISH', 'ch', 'two']]);
    expect(sub.pending()).toBe('');
    expect(await c.call('EXEC')).toBe('*2\r\n:1\r\n:1\r\n');
    expect(await sub.read(2)).toBe('*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\none\r\n*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\ntwo\r\n');
  });
});

describe('WATCH', () => {
  it('a write by another client, even of the same value, makes EXEC return a null array', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const b = await raw(sim);
    await a.call('SET', 'k', 'v');
    expect(await a.call('WATCH', 'k')).toBe('+OK\r\n');
    await b.call('SET', 'k', 'v');
    expect(await a.pipeline([['MULTI'], ['SET', 'k', 'mine'], ['EXEC'], ['GET', 'k']])).toEqual([
      '+OK\r\n',
      '+QUEUED\r\n',
      '*-1\r\n',
      '$1\r\nv\r\n',
    ]);
  });

  it('the null reply is `_` in RESP3', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    await a.call('HELLO', '3');
    await a.call('WATCH', 'k');
    await (await raw(sim)).call('SET', 'k', 'x');
    expect(await a.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '_\r\n']);
  });

  it("the client's own write before MULTI invalidates it too", async () => {
    const sim = await startSim();
    const a = await raw(sim);
    expect(await a.pipeline([['WATCH', 'k'], ['SET', 'k', '1'], ['MULTI'], ['GET', 'k'], ['EXEC']])).toEqual([
      '+OK\r\n',
      '+OK\r\n',
      '+OK\r\n',
      '+QUEUED\r\n',
      '*-1\r\n',
    ]);
  });

  it('an untouched watched key lets EXEC run; writes inside the transaction do not matter', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const b = await raw(sim);
    await a.call('WATCH', 'k', 'other');
    await b.call('SET', 'unrelated', '1');
    await b.pipeline([
      ['SELECT', '1'],
      ['SET', 'k', 'in-db-1'],
    ]); // same name, another database
    expect(await a.pipeline([['MULTI'], ['SET', 'k', '1'], ['SET', 'k', '2'], ['EXEC']])).toEqual([
      '+OK\r\n',
      '+QUEUED\r\n',
      '+QUEUED\r\n',
      '*2\r\n+OK\r\n+OK\r\n',
    ]);
  });

  it('EXEC, DISCARD and UNWATCH forget the watched keys', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const clientA = [...sim.node.clients.values()][0];
    const b = await raw(sim);
    for (const end of ['EXEC', 'DISCARD', 'UNWATCH']) {
      await a.call('WATCH', 'k');
      if (end === 'UNWATCH') await a.call('UNWATCH');
      else await a.pipeline([['MULTI'], [end]]);
      await b.call('SET', 'k', end);
      expect(await a.pipeline([['MULTI'], ['GET', 'k'], ['EXEC']])).toEqual([
        '+OK\r\n',
        '+QUEUED\r\n',
        `*1\r\n$${end.length}\r\n${end}\r\n`,
      ]);
    }
    expect(clientA && sim.node.watches.watchedCount(clientA)).toBe(0);
  });

  it('UNWATCH after the key was touched clears the failure', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    await a.call('WATCH', 'k');
    await (await raw(sim)).call('SET', 'k', '1');
    expect(await a.pipeline([['UNWATCH'], ['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '+OK\r\n', '*0\r\n']);
  });

  it('a watched key that expires on the virtual clock invalidates the transaction', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    await a.call('SET', 'lock', 'me');
    sim.node.db(0).setExpire('lock', sim.clock.now() + 1000);
    await a.call('WATCH', 'lock');
    sim.clock.advance(1000); // the deadline millisecond: the key still exists
    expect(await a.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*0\r\n']);
    await a.call('WATCH', 'lock');
    sim.clock.advance(1);
    expect(await a.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*-1\r\n']);
  });

  it('a key still present but past its deadline at EXEC aborts it (lazy expiry only)', async () => {
    const sim = await startSim();
    sim.node.setActiveExpire(false);
    const a = await raw(sim);
    await a.call('SET', 'k', 'v');
    sim.node.db(0).setExpire('k', sim.clock.now() + 100);
    await a.call('WATCH', 'k');
    sim.clock.advance(200);
    expect(sim.node.db(0).hasKey('k')).toBe(true); // not deleted yet
    expect(await a.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*-1\r\n']);
  });

  it('a key that was already expired when WATCH ran is no change when it gets deleted (Redis 7.0)', async () => {
    const sim = await startSim();
    sim.node.setActiveExpire(false);
    const a = await raw(sim);
    const b = await raw(sim);
    await a.call('SET', 'k', 'v');
    sim.node.db(0).setExpire('k', sim.clock.now() + 100);
    sim.clock.advance(200);
    await a.call('WATCH', 'k');
    expect(await b.call('GET', 'k')).toBe('$-1\r\n'); // lazy expiry deletes it
    expect(await a.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*0\r\n']);
    // But writing it afterwards is a change.
    await a.call('SET', 'j', 'v');
    sim.node.db(0).setExpire('j', sim.clock.now() + 100);
    sim.clock.advance(200);
    await a.call('WATCH', 'j');
    await b.call('SET', 'j', 'new');
    expect(await a.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*-1\r\n']);
  });

  it('FLUSHALL invalidates only watchers of keys that existed', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const b = await raw(sim);
    await a.call('SET', 'k', 'v');
    await a.call('WATCH', 'k');
    await b.call('WATCH', 'missing');
    sim.flushAll();
    expect(await a.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*-1\r\n']);
    expect(await b.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*0\r\n']);
  });

  it('SWAPDB invalidates watchers of a key present in either database', async () => {
    const sim = await startSim();
    const w0 = await raw(sim); // watches k in db 0, where it exists
    const w1 = await raw(sim); // watches k in db 1, where it does not exist (but db 0 has it)
    const w2 = await raw(sim); // watches nothing-here in db 0: in neither database
    const w3 = await raw(sim); // watches k in db 2, not involved in the swap
    await w0.call('SET', 'k', 'v');
    await w0.call('WATCH', 'k');
    await w1.pipeline([
      ['SELECT', '1'],
      ['WATCH', 'k'],
    ]);
    await w2.call('WATCH', 'nothing-here');
    await w3.pipeline([
      ['SELECT', '2'],
      ['SET', 'k', 'x'],
      ['WATCH', 'k'],
    ]);
    expect(await w0.call('SWAPDB', '0', '1')).toBe('+OK\r\n');
    expect(await w0.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*-1\r\n']);
    expect(await w1.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*-1\r\n']);
    expect(await w2.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*0\r\n']);
    expect(await w3.pipeline([['MULTI'], ['EXEC']])).toEqual(['+OK\r\n', '*0\r\n']);
  });

  it('a disconnected client leaves no watch behind', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    await a.call('WATCH', 'k1', 'k2');
    const client = [...sim.node.clients.values()][0];
    expect(client && sim.node.watches.watchedCount(client)).toBe(2);
    a.close();
    while (sim.node.clients.size > 0) await new Promise((r) => setImmediate(r));
    expect(client && sim.node.watches.watchedCount(client)).toBe(0);
    // Touching the keys after the disconnect finds nobody to dirty.
    sim.call('SET', 'k1', 'x');
  });

  it('optimistic increment with ioredis retries until it wins', async () => {
    const sim = await startSim();
    const a = ioredis(sim);
    const b = ioredis(sim);
    await a.set('counter', '0');
    let attempts = 0;
    for (;;) {
      attempts++;
      await a.watch('counter');
      const v = Number(await a.get('counter'));
      if (attempts === 1) await b.set('counter', '10'); // a concurrent writer wins the first round
      const res = await a
        .multi()
        .set('counter', String(v + 1))
        .exec();
      if (res) break;
    }
    expect(attempts).toBe(2);
    expect(await a.get('counter')).toBe('11');
  });
});
