/**
 * Pub/sub over TCP with several connections: confirmation and message frames byte for byte in
 * RESP2 and RESP3, patterns, shard channels, the RESP2 subscribed-mode restriction, PUBSUB
 * introspection, message order and cleanup on disconnect/RESET.
 */
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { ioredis, onCleanup, raw, startSim } from './helpers.js';

const msg = (ch: string, m: string) => `*3\r\n$7\r\nmessage\r\n$${ch.length}\r\n${ch}\r\n$${m.length}\r\n${m}\r\n`;

describe('SUBSCRIBE / PUBLISH', () => {
  it('confirms each channel with its own frame, repeats included', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    s.write('*4\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\na\r\n');
    expect(await s.read(3)).toBe(
      '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n',
    );
  });

  it('delivers to every subscriber and returns the number of receivers', async () => {
    const sim = await startSim();
    const s1 = await raw(sim);
    const s2 = await raw(sim);
    const p = await raw(sim);
    await s1.call('SUBSCRIBE', 'news');
    await s2.call('SUBSCRIBE', 'news');
    expect(await p.call('PUBLISH', 'news', 'hello')).toBe(':2\r\n');
    expect(await p.call('PUBLISH', 'nobody', 'x')).toBe(':0\r\n');
    expect(await s1.read()).toBe(msg('news', 'hello'));
    expect(await s2.read()).toBe(msg('news', 'hello'));
  });

  it('is binary safe', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    const ch = 'c\r\n\x00\xff';
    const m = '\x00\r\n\xfe';
    await s.call('SUBSCRIBE', Buffer.from(ch, 'latin1'));
    await (await raw(sim)).call('PUBLISH', Buffer.from(ch, 'latin1'), Buffer.from(m, 'latin1'));
    expect(await s.read()).toBe(msg(ch, m));
  });

  it('keeps each publisher’s order (a pipelined burst arrives in order)', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    await s.call('SUBSCRIBE', 'q');
    const p = await raw(sim);
    const n = 200;
    const replies = await p.pipeline(Array.from({ length: n }, (_, i) => ['PUBLISH', 'q', String(i)]));
    expect(replies.every((r) => r === ':1\r\n')).toBe(true);
    let expected = '';
    for (let i = 0; i < n; i++) expected += msg('q', String(i));
    expect(await s.read(n)).toBe(expected);
  });

  it('a RESP3 subscriber gets push frames and may run any command in between', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    await s.call('HELLO', '3');
    expect(await s.call('SUBSCRIBE', 'a')).toBe('>3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n');
    expect(await s.call('SET', 'k', 'v')).toBe('+OK\r\n');
    await (await raw(sim)).call('PUBLISH', 'a', 'm');
    expect(await s.read()).toBe('>3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nm\r\n');
    expect(await s.call('GET', 'k')).toBe('$1\r\nv\r\n');
    expect(await s.call('PING')).toBe('+PONG\r\n');
  });

  it('a RESP3 client publishing to itself gets the message before the PUBLISH reply', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    await s.call('HELLO', '3');
    await s.call('SUBSCRIBE', 'self');
    s.write('*3\r\n$7\r\nPUBLISH\r\n$4\r\nself\r\n$1\r\nx\r\n');
    expect(await s.read(2)).toBe('>3\r\n$7\r\nmessage\r\n$4\r\nself\r\n$1\r\nx\r\n:1\r\n');
  });

  it('works with client libraries (ioredis RESP2, node-redis RESP3)', async () => {
    const sim = await startSim();
    const sub = ioredis(sim);
    const got: string[] = [];
    await sub.subscribe('jobs');
    const arrived = new Promise<void>((resolve) => {
      sub.on('message', (ch, m) => {
        got.push(`${ch}:${m}`);
        if (got.length === 2) resolve();
      });
    });
    const pub = ioredis(sim);
    await pub.publish('jobs', '1');
    await pub.publish('jobs', '2');
    await arrived;
    expect(got).toEqual(['jobs:1', 'jobs:2']);

    const nr = createClient({ url: sim.url, RESP: 3 });
    nr.on('error', () => {});
    await nr.connect();
    onCleanup(() => nr.destroy());
    const nrGot = new Promise<string>((resolve) => {
      void nr.subscribe('jobs', (m) => resolve(m));
    });
    // node-redis sends SUBSCRIBE asynchronously: publish until it is registered.
    while (sim.node.pubsub.numsub('jobs') < 2) await new Promise((r) => setImmediate(r));
    await pub.publish('jobs', '3');
    expect(await nrGot).toBe('3');
    // RESP3: the same connection keeps running ordinary commands.
    expect(await nr.set('x', 'y')).toBe('OK');
  });
});

describe('PSUBSCRIBE', () => {
  it('matches patterns as KEYS does and sends pmessage after the exact-channel message', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    s.write('*2\r\n$9\r\nSUBSCRIBE\r\n$9\r\nnews.tech\r\n');
    await s.read();
    expect(await s.call('PSUBSCRIBE', 'news.*')).toBe('*3\r\n$10\r\npsubscribe\r\n$6\r\nnews.*\r\n:2\r\n');
    expect(await (await raw(sim)).call('PUBLISH', 'news.tech', 'hi')).toBe(':2\r\n');
    expect(await s.read(2)).toBe(`${msg('news.tech', 'hi')}*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$9\r\nnews.tech\r\n$2\r\nhi\r\n`);
    const p = await raw(sim);
    expect(await p.call('PUBLISH', 'news', 'x')).toBe(':0\r\n');
    expect(await p.call('PUBLISH', 'news.a', 'x')).toBe(':1\r\n');
  });

  it('glob classes, escapes and ? work', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    await s.call('PSUBSCRIBE', 'h[ae]llo?\\*');
    const p = await raw(sim);
    expect(await p.call('PUBLISH', 'hallo1*', 'x')).toBe(':1\r\n');
    expect(await p.call('PUBLISH', 'hello2*', 'x')).toBe(':1\r\n');
    expect(await p.call('PUBLISH', 'hillo1*', 'x')).toBe(':0\r\n');
    expect(await p.call('PUBLISH', 'hallo1x', 'x')).toBe(':0\r\n');
  });

  it('PUNSUBSCRIBE with no argument removes every pattern, one frame each, in subscription order', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    s.write('*3\r\n$10\r\nPSUBSCRIBE\r\n$2\r\nb*\r\n$2\r\na*\r\n');
    await s.read(2);
    s.write('*1\r\n$12\r\nPUNSUBSCRIBE\r\n');
    expect(await s.read(2)).toBe('*3\r\n$12\r\npunsubscribe\r\n$2\r\nb*\r\n:1\r\n*3\r\n$12\r\npunsubscribe\r\n$2\r\na*\r\n:0\r\n');
    expect(await (await raw(sim)).call('PUBLISH', 'abc', 'x')).toBe(':0\r\n');
  });
});

describe('UNSUBSCRIBE', () => {
  it('with nothing subscribed replies one frame with a null channel (RESP2 $-1, RESP3 _)', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    expect(await s.call('UNSUBSCRIBE')).toBe('*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n');
    expect(await s.call('PUNSUBSCRIBE')).toBe('*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n');
    expect(await s.call('SUNSUBSCRIBE')).toBe('*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n');
    await s.call('HELLO', '3');
    expect(await s.call('UNSUBSCRIBE')).toBe('>3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n');
  });

  it('with no argument removes every channel; counts include patterns', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    s.write('*3\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n');
    await s.read(2);
    await s.call('PSUBSCRIBE', 'p*');
    s.write('*1\r\n$11\r\nUNSUBSCRIBE\r\n');
    expect(await s.read(2)).toBe('*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n');
    // Still subscribed to a pattern: still in subscribed mode.
    expect(await s.call('GET', 'x')).toMatch(/^-ERR Can't execute 'get'/);
  });

  it('naming a channel the client is not subscribed to still confirms it', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    expect(await s.call('UNSUBSCRIBE', 'never')).toBe('*3\r\n$11\r\nunsubscribe\r\n$5\r\nnever\r\n:0\r\n');
  });
});

describe('RESP2 subscribed mode', () => {
  it('only (P|S)(UN)SUBSCRIBE, PING, QUIT and RESET run; PING answers ["pong", msg]', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    await s.call('SUBSCRIBE', 'a');
    expect(await s.call('GET', 'x')).toBe(
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
    );
    expect(await s.call('PUBSUB', 'NUMPAT')).toBe(
      "-ERR Can't execute 'pubsub|numpat': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
    );
    expect(await s.call('PING')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    expect(await s.call('PING', 'x')).toBe('*2\r\n$4\r\npong\r\n$1\r\nx\r\n');
    expect(await s.call('UNSUBSCRIBE', 'a')).toBe('*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n');
    expect(await s.call('GET', 'x')).toBe('$-1\r\n');
    expect(await s.call('PING')).toBe('+PONG\r\n');
  });

  it('RESET leaves subscribed mode and drops the subscriptions', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    await s.call('SUBSCRIBE', 'a');
    await s.call('PSUBSCRIBE', 'a*');
    expect(await s.call('RESET')).toBe('+RESET\r\n');
    expect(await s.call('GET', 'x')).toBe('$-1\r\n');
    expect(await (await raw(sim)).call('PUBLISH', 'a', 'x')).toBe(':0\r\n');
  });

  it('a disconnected subscriber is forgotten', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    await s.call('SUBSCRIBE', 'a');
    await s.call('SSUBSCRIBE', 'b');
    await s.call('PSUBSCRIBE', 'c*');
    s.close();
    while (sim.node.clients.size > 0) await new Promise((r) => setImmediate(r));
    const p = await raw(sim);
    expect(await p.call('PUBLISH', 'a', 'x')).toBe(':0\r\n');
    expect(await p.call('PUBSUB', 'NUMPAT')).toBe(':0\r\n');
    expect(await p.call('PUBSUB', 'SHARDCHANNELS')).toBe('*0\r\n');
  });
});

describe('CLIENT REPLY OFF', () => {
  it('silences replies but not pub/sub frames', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    s.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n');
    expect(await s.call('SUBSCRIBE', 'a')).toBe('*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n');
    await (await raw(sim)).call('PUBLISH', 'a', 'x');
    expect(await s.read()).toBe(msg('a', 'x'));
    s.write('*1\r\n$4\r\nPING\r\n'); // silenced
    expect(await s.call('UNSUBSCRIBE')).toBe('*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n');
    expect(await s.call('CLIENT', 'REPLY', 'ON')).toBe('+OK\r\n');
  });
});

describe('SSUBSCRIBE / SPUBLISH', () => {
  it('shard channels are a namespace of their own, without patterns', async () => {
    const sim = await startSim();
    const s = await raw(sim);
    expect(await s.call('SSUBSCRIBE', 'orders')).toBe('*3\r\n$10\r\nssubscribe\r\n$6\r\norders\r\n:1\r\n');
    // The shard count is separate from channels + patterns.
    expect(await s.call('PSUBSCRIBE', '*')).toBe('*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n');
    const p = await raw(sim);
    expect(await p.call('SPUBLISH', 'orders', 'o1')).toBe(':1\r\n');
    expect(await s.read()).toBe('*3\r\n$8\r\nsmessage\r\n$6\r\norders\r\n$2\r\no1\r\n');
    // PUBLISH on the same name reaches the pattern only, not the shard subscriber.
    expect(await p.call('PUBLISH', 'orders', 'o2')).toBe(':1\r\n');
    expect(await s.read()).toBe('*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$6\r\norders\r\n$2\r\no2\r\n');
    expect(await s.call('SUNSUBSCRIBE')).toBe('*3\r\n$12\r\nsunsubscribe\r\n$6\r\norders\r\n:0\r\n');
  });
});

describe('inside MULTI', () => {
  it('SUBSCRIBE works inside EXEC, SSUBSCRIBE is refused', async () => {
    const sim = await startSim();
    const c = await raw(sim);
    await c.pipeline([['MULTI'], ['SUBSCRIBE', 'a'], ['SSUBSCRIBE', 'b'], ['PING']]);
    expect(await c.call('EXEC')).toBe(
      "*3\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n",
    );
    expect(await c.call('PING')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
  });
});

describe('PUBSUB', () => {
  it('CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB', async () => {
    const sim = await startSim();
    const a = await raw(sim);
    const b = await raw(sim);
    a.write('*3\r\n$9\r\nSUBSCRIBE\r\n$5\r\nnews1\r\n$5\r\nnews2\r\n');
    await a.read(2);
    await b.call('SUBSCRIBE', 'news1');
    await a.call('PSUBSCRIBE', 'n*');
    await b.call('PSUBSCRIBE', 'n*');
    await b.call('SSUBSCRIBE', 'shard1');
    const q = await raw(sim);
    expect(await q.call('PUBSUB', 'CHANNELS')).toBe('*2\r\n$5\r\nnews1\r\n$5\r\nnews2\r\n');
    expect(await q.call('PUBSUB', 'CHANNELS', '*2')).toBe('*1\r\n$5\r\nnews2\r\n');
    expect(await q.call('PUBSUB', 'NUMSUB', 'news1', 'news2', 'none')).toBe(
      '*6\r\n$5\r\nnews1\r\n:2\r\n$5\r\nnews2\r\n:1\r\n$4\r\nnone\r\n:0\r\n',
    );
    expect(await q.call('PUBSUB', 'NUMSUB')).toBe('*0\r\n');
    expect(await q.call('PUBSUB', 'NUMPAT')).toBe(':1\r\n'); // unique patterns
    expect(await q.call('PUBSUB', 'SHARDCHANNELS')).toBe('*1\r\n$6\r\nshard1\r\n');
    expect(await q.call('PUBSUB', 'SHARDNUMSUB', 'shard1', 'news1')).toBe('*4\r\n$6\r\nshard1\r\n:1\r\n$5\r\nnews1\r\n:0\r\n');
    await q.call('HELLO', '3');
    // NUMSUB stays a flat array in RESP3.
    expect(await q.call('PUBSUB', 'NUMSUB', 'news2')).toBe('*2\r\n$5\r\nnews2\r\n:1\r\n');
  });

  it('errors and HELP', async () => {
    const sim = await startSim();
    const q = await raw(sim);
    expect(await q.call('PUBSUB', 'CHANNELS', 'a', 'b')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n",
    );
    expect(await q.call('PUBSUB', 'NUMPAT', 'x')).toBe("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n");
    expect(await q.call('PUBSUB', 'FOO')).toBe("-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n");
    expect(await q.call('PUBSUB')).toBe("-ERR wrong number of arguments for 'pubsub' command\r\n");
    expect(await q.call('SUBSCRIBE')).toBe("-ERR wrong number of arguments for 'subscribe' command\r\n");
    expect(await q.call('PUBLISH', 'a')).toBe("-ERR wrong number of arguments for 'publish' command\r\n");
    const help = await q.call('PUBSUB', 'HELP');
    expect(help.startsWith('*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n')).toBe(true);
    expect(help.endsWith('+HELP\r\n+    Prints this help.\r\n')).toBe(true);
  });
});
