/**
 * ACL users against a real Redis 7.0.15, RESP2 and RESP3: SETUSER rules and their errors,
 * GETUSER / LIST (Redis's rule normalisation), DRYRUN, AUTH / HELLO AUTH as other users, NOPERM
 * at the top level, inside MULTI (queue time and EXEC time), in scripts and for pub/sub, the ACL
 * LOG entries they leave, and DELUSER closing the deleted user's connections.
 *
 * Looseness: Redis writes the single-command part of a rules string ("+get -config|set") in its
 * command dict's hash order, random per process, so runs of single-command rules are compared
 * sorted (categories keep their order); ACL LOG's age-seconds and the CLIENT LIST line are
 * compared by the fields that do not depend on the connection (flags, multi, cmd, user).
 * Every case deletes the users it creates and resets the log.
 */
import { expect, it } from 'vitest';
import { RawClient } from '../test/raw-client.js';
import { sortRules } from './acl-rules.js';
import { type CompatCase, compatSuite, haveRealRedis, useTargets } from './harness.js';

/** ACL LOG: the age (a double) and the connection-specific fields of client-info. */
function logShape(raw: string): string {
  return raw
    .replace(/(\$11\r\nage-seconds\r\n)(?:\$\d+\r\n[^\r]*\r\n|,[^\r]*\r\n)/g, '$1<age>')
    .replace(
      /(\$11\r\nclient-info\r\n)\$\d+\r\nid=\d+ addr=[^\r]* flags=(\S*) db=(\d+) [^\r]*multi=(-?\d+) [^\r]* cmd=(\S+) user=(\S+) [^\r]*\r\n/g,
      '$1<flags=$2 db=$3 multi=$4 cmd=$5 user=$6>',
    );
}

const helloId = (raw: string) => raw.replace(/\$2\r\nid\r\n:\d+\r\n/, '$$2\r\nid\r\n:<id>\r\n');

const cleanup = (...users: string[]): string[][] => [
  ['AUTH', 'default', 'x'],
  ['ACL', 'DELUSER', ...users],
  ['ACL', 'LOG', 'RESET'],
];

const cases: CompatCase[] = [
  {
    name: 'a new user, rules in LIST and GETUSER',
    cmds: [
      ['ACL', 'SETUSER', 'alice'],
      ['ACL', 'LIST'],
      ['ACL', 'GETUSER', 'alice'],
      [
        'ACL',
        'SETUSER',
        'bob',
        'on',
        '>pw',
        '~foo*',
        '%R~r*',
        '%W~w*',
        '%RW~x*',
        '&ch*',
        '+get',
        '-@all',
        '+@string',
        '-config',
        '+config|get',
        '+select|0',
        '(+hget ~h*)',
      ],
      ['ACL', 'GETUSER', 'bob'],
      ['ACL', 'LIST'],
      ['ACL', 'USERS'],
      ['ACL', 'SETUSER', 'c4', '+@all', '-@dangerous', '-@admin', '~a', '%R~a', '%W~b', '%R~b'],
      ['ACL', 'GETUSER', 'c4'],
      ['ACL', 'SETUSER', 'c5', '-@all', '+@read', '+@write', '-@keyspace', '+del', '+client|kill', '-client|list'],
      ['ACL', 'GETUSER', 'c5'],
      [
        'ACL',
        'SETUSER',
        'c6',
        'reset',
        '+@hash',
        '+@list',
        '&a',
        '&b',
        '(~x +get)',
        '(',
        '~y',
        '+set',
        ')',
        'clearselectors',
        '(~z +@read)',
      ],
      ['ACL', 'GETUSER', 'c6'],
      [
        'ACL',
        'SETUSER',
        'c7',
        'on',
        'nopass',
        'skip-sanitize-payload',
        '+@all',
        '-debug',
        '-config',
        '+config|get',
        '-@scripting',
        '+eval',
      ],
      ['ACL', 'GETUSER', 'c7'],
      [
        'ACL',
        'SETUSER',
        'c8',
        'sanitize-payload',
        '>a',
        '>b',
        '<a',
        `#${'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'}`,
        '!e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ],
      ['ACL', 'GETUSER', 'c8'],
      ['ACL', 'SETUSER', 'c8', 'reset'],
      ['ACL', 'GETUSER', 'c8'],
      [
        'ACL',
        'SETUSER',
        'c9',
        '%R~',
        '%RW',
        '~',
        '%W~x',
        '&',
        '%rw~y',
        'resetkeys',
        '~k1',
        'nocommands',
        'allcommands',
        'allkeys',
        'allchannels',
      ],
      ['ACL', 'LIST'],
      ['ACL', 'DELUSER', 'alice', 'bob', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'nobody'],
      ['ACL', 'LIST'],
    ],
    normalize: sortRules,
  },
  {
    name: 'SETUSER errors change nothing',
    cmds: [
      ['ACL', 'SETUSER', 'e1', 'on', '~k'],
      ['ACL', 'SETUSER', 'e1', '~*', '~x'],
      ['ACL', 'SETUSER', 'e1', 'allkeys', '%R~x'],
      ['ACL', 'SETUSER', 'e1', '&*', '&x'],
      ['ACL', 'SETUSER', 'e1', 'off', '+nosuch'],
      ['ACL', 'SETUSER', 'e1', '+config|get|x'],
      ['ACL', 'SETUSER', 'e1', '+client|kill|x'],
      ['ACL', 'SETUSER', 'e1', '-config|get|x'],
      ['ACL', 'SETUSER', 'e1', '+@nosuch'],
      ['ACL', 'SETUSER', 'e1', 'foo'],
      ['ACL', 'SETUSER', 'e1', '#abc'],
      ['ACL', 'SETUSER', 'e1', `#${'A'.repeat(64)}`],
      ['ACL', 'SETUSER', 'e1', '<abc'],
      ['ACL', 'SETUSER', 'e1', '!0000000000000000000000000000000000000000000000000000000000000000'],
      ['ACL', 'SETUSER', 'e1', '(+get', '~x'],
      ['ACL', 'SETUSER', 'e1', '(+get ~x', 'nosuch)'],
      ['ACL', 'SETUSER', 'e1', '+config|'],
      ['ACL', 'SETUSER', 'e1', '%Rx~a'],
      ['ACL', 'SETUSER', 'e1', '%RR~a'],
      ['ACL', 'SETUSER', 'e1', '%~a'],
      ['ACL', 'SETUSER', 'e1', '~a b'],
      ['ACL', 'SETUSER', 'a b'],
      ['ACL', 'SETUSER', 'e1', '-@all', '(-@all'],
      ['ACL', 'LIST'],
      ['ACL', 'DELUSER', 'e1'],
    ],
    normalize: sortRules,
  },
  {
    name: 'DRYRUN',
    cmds: [
      [
        'ACL',
        'SETUSER',
        'd1',
        'on',
        '~foo*',
        '%R~r*',
        '%W~w*',
        '&ch*',
        '-@all',
        '+@string',
        '+config|get',
        '+select|0',
        '+publish',
        '+subscribe',
        '+psubscribe',
        '+copy',
        '(+hget ~h*)',
      ],
      ['ACL', 'DRYRUN', 'd1', 'get', 'foo1'],
      ['ACL', 'DRYRUN', 'd1', 'get', 'zzz'],
      ['ACL', 'DRYRUN', 'd1', 'set', 'r1', 'v'],
      ['ACL', 'DRYRUN', 'd1', 'set', 'w1', 'v'],
      ['ACL', 'DRYRUN', 'd1', 'get', 'w1'],
      ['ACL', 'DRYRUN', 'd1', 'hget', 'h1', 'f'],
      ['ACL', 'DRYRUN', 'd1', 'hget', 'x1', 'f'],
      ['ACL', 'DRYRUN', 'd1', 'lpush', 'x', 'y'],
      ['ACL', 'DRYRUN', 'd1', 'select', '0'],
      ['ACL', 'DRYRUN', 'd1', 'select', '1'],
      ['ACL', 'DRYRUN', 'd1', 'config', 'get', 'x'],
      ['ACL', 'DRYRUN', 'd1', 'config', 'set', 'x', 'y'],
      ['ACL', 'DRYRUN', 'd1', 'publish', 'ch1', 'm'],
      ['ACL', 'DRYRUN', 'd1', 'publish', 'other', 'm'],
      ['ACL', 'DRYRUN', 'd1', 'subscribe', 'ch1', 'c'],
      ['ACL', 'DRYRUN', 'd1', 'psubscribe', 'ch*'],
      ['ACL', 'DRYRUN', 'd1', 'psubscribe', 'ch1*'],
      ['ACL', 'DRYRUN', 'd1', 'mset', 'foo1', 'v', 'zzz', 'v'],
      ['ACL', 'DRYRUN', 'd1', 'copy', 'r1', 'w1'],
      ['ACL', 'DRYRUN', 'd1', 'copy', 'w1', 'r1'],
      ['ACL', 'DRYRUN', 'd1', 'auth', 'x'],
      ['ACL', 'DRYRUN', 'd1', 'exists', 'w1'],
      ['ACL', 'DRYRUN', 'd1', 'get'],
      ['ACL', 'DELUSER', 'd1'],
    ],
  },
  {
    name: 'AUTH and HELLO AUTH as another user, WHOAMI, RESET',
    cmds: [
      ['ACL', 'SETUSER', 'u1', 'on', '>p1', '>p2', '+@all', '~*'],
      ['AUTH', 'u1', 'bad'],
      ['AUTH', 'nouser', 'p1'],
      ['AUTH', 'u1', 'p2'],
      ['ACL', 'WHOAMI'],
      ['CLIENT', 'INFO'],
      ['ACL', 'SETUSER', 'u1', 'off'],
      ['AUTH', 'u1', 'p1'],
      ['HELLO', '2', 'AUTH', 'u1', 'p1'],
      ['ACL', 'WHOAMI'],
      ['ACL', 'SETUSER', 'u1', 'on', 'nopass'],
      ['HELLO', '2', 'AUTH', 'u1', 'anything'],
      ['RESET'],
      ['ACL', 'WHOAMI'],
      ['ACL', 'SETUSER', 'default', 'resetpass'],
      ['RESET'],
      ['GET', 'x'],
      ['AUTH', 'x'],
      ['HELLO', '2'],
      ['AUTH', 'default', 'x'],
      ['HELLO', '2', 'AUTH', 'u1', 'p1'],
      ['ACL', 'SETUSER', 'default', 'nopass'],
      ['AUTH', 'x'],
      ...cleanup('u1'),
    ],
    normalize: (raw) =>
      helloId(raw).replace(
        /^[$=]\d+\r\n(?:txt:)?id=\d+ addr=[^\r]* flags=(\S*) [^\r]* user=(\S+) [^\r]*\r\n$/,
        '<client flags=$1 user=$2>',
      ),
  },
  {
    name: 'NOPERM for commands, keys and channels, and the ACL LOG',
    cmds: [
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'SETUSER', 'u2', 'on', '>p', '~k*', '%R~r*', '&ch*', '+@read', '+set', '+publish', '+select|0', '+acl|whoami', '+ping'],
      ['AUTH', 'u2', 'p'],
      ['GET', 'k1'],
      ['GET', 'zz'],
      ['SET', 'k1', 'v'],
      ['SET', 'r1', 'v'],
      ['GET', 'r1'],
      ['DEL', 'k1'],
      ['MGET', 'k1', 'zz', 'r2'],
      ['SELECT', '0'],
      ['SELECT', '1'],
      ['CONFIG', 'GET', 'x'],
      ['PUBLISH', 'ch1', 'm'],
      ['PUBLISH', 'other', 'm'],
      ['ACL', 'WHOAMI'],
      ['ACL', 'LIST'],
      ['PING'],
      ['AUTH', 'default', 'x'],
      ['ACL', 'LOG'],
      ['ACL', 'LOG', '2'],
      ...cleanup('u2'),
    ],
    normalize: logShape,
  },
  {
    name: 'NOPERM in scripts (context lua) and redis.acl_check_cmd',
    cmds: [
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'SETUSER', 'u3', 'on', '>p', '~k*', '&ch*', '+@read', '+eval', '+evalsha', '+fcall', '+set'],
      ['AUTH', 'u3', 'p'],
      ['EVAL', "return redis.call('get','zz')", '0'],
      ['EVAL', "return redis.call('set','r2','v')", '0'],
      ['EVAL', "return redis.call('del','k1')", '0'],
      ['EVAL', "return redis.pcall('get','zz')", '0'],
      ['EVAL', "return redis.pcall('publish','x','y')", '0'],
      ['EVAL', "return redis.call('get','k1')", '0'],
      ['EVAL', "return redis.acl_check_cmd('get','zz')", '0'],
      ['EVAL', "return redis.acl_check_cmd('get','k1')", '0'],
      ['EVAL', "return redis.acl_check_cmd('del','k1')", '0'],
      ['AUTH', 'default', 'x'],
      ['ACL', 'LOG'],
      ...cleanup('u3'),
    ],
    normalize: logShape,
  },
  {
    name: 'NOPERM inside MULTI: EXECABORT, and rules changed before EXEC',
    cmds: [
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'SETUSER', 'u4', 'on', '>p', '~k*', '+@all', '-flushall'],
      ['AUTH', 'u4', 'p'],
      ['MULTI'],
      ['GET', 'k1'],
      ['GET', 'zz'],
      ['FLUSHALL'],
      ['SET', 'k1', 'v'],
      ['EXEC'],
      ['MULTI'],
      ['SET', 'k1', 'v'],
      ['GET', 'k1'],
      ['ACL', 'SETUSER', 'u4', '-get', 'resetkeys', '~k1'],
      ['INCR', 'k2'],
      ['EXEC'],
      ['AUTH', 'default', 'x'],
      ['ACL', 'LOG'],
      ...cleanup('u4'),
    ],
    normalize: logShape,
  },
  {
    name: 'pub/sub channels: SUBSCRIBE, PSUBSCRIBE (patterns compared literally), PUBLISH',
    cmds: [
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'SETUSER', 'u5', 'on', '>p', '&ch*', '&news', '+@pubsub', '+@connection', '+acl|log'],
      ['AUTH', 'u5', 'p'],
      ['PUBLISH', 'ch1', 'm'],
      ['PUBLISH', 'nope', 'm'],
      ['SUBSCRIBE', 'news', 'other'],
      ['PSUBSCRIBE', 'ch1*'],
      ['PSUBSCRIBE', 'ch*'],
      ['SUBSCRIBE', 'news', 'ch9'],
      ['UNSUBSCRIBE', 'whatever'],
      ['PING'],
      ['RESET'],
      ...cleanup('u5'),
    ],
    normalize: logShape,
  },
];

compatSuite('acl users', cases);

/**
 * DELUSER closes the connections authenticated as the deleted user (others keep working), the
 * caller's own after its reply; SETUSER that takes a channel away closes that user's subscribers.
 */
describe_kill();

function describe_kill(): void {
  if (!haveRealRedis) return;
  const targets = useTargets();
  const observe = async (port: number): Promise<string[]> => {
    const admin = await RawClient.connect(port);
    const out: string[] = [];
    try {
      out.push(await admin.call('ACL', 'SETUSER', 'k1', 'on', '>p', '+@all', '~*', '&*'));
      out.push(await admin.call('ACL', 'SETUSER', 'k2', 'on', '>p', '+@all', '~*', 'resetchannels', '&a*', '&b'));
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      const s = await RawClient.connect(port);
      const self = await RawClient.connect(port);
      out.push(await a.call('AUTH', 'k1', 'p'));
      out.push(await b.call('AUTH', 'k2', 'p'));
      out.push(await s.call('AUTH', 'k2', 'p'));
      out.push(await s.call('SUBSCRIBE', 'b'));
      out.push(await self.call('AUTH', 'k1', 'p'));
      // Narrowing k2's channels to a* closes s (subscribed to b), not b.
      out.push(await admin.call('ACL', 'SETUSER', 'k2', 'resetchannels', '&a*'));
      out.push(await s.readUntilClose().then(() => 'closed'));
      out.push(await b.call('PING'));
      // The caller deletes its own user: it gets the reply, then is closed; a is closed too.
      out.push(await self.call('ACL', 'DELUSER', 'k1'));
      out.push(await self.readUntilClose().then(() => 'closed'));
      out.push(await a.readUntilClose().then(() => 'closed'));
      out.push(await b.call('ACL', 'WHOAMI'));
      out.push(await admin.call('ACL', 'DELUSER', 'k2'));
      out.push(await b.readUntilClose().then(() => 'closed'));
      for (const c of [a, b, s, self]) c.close();
    } finally {
      admin.close();
    }
    return out;
  };
  it('compat: acl users: DELUSER and a channel taken away close connections', async () => {
    const t = targets();
    const real = await observe(t.real.port);
    const sim = await observe(t.sim.port);
    expect(sim).toEqual(real);
  });
}
