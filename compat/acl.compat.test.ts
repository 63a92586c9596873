/**
 * ACL for the default user against a real Redis 7.0.15, RESP2 and RESP3. GENPASS is random and
 * ACL LOG's age-seconds and client-info depend on time and connection details: those replies are
 * compared by shape (normalized), everything else byte for byte.
 */
import { compatSuite, deepSortReply } from './harness.js';

/** GENPASS: keep the length and check the digits are lowercase hex. */
const hexShape = (raw: string) => raw.replace(/^\$(\d+)\r\n[0-9a-f]+\r\n$/, '$$$1\r\n<hex>\r\n');

/** ACL LOG: the age (a double) and the CLIENT LIST line of the failing client. */
const logShape = (raw: string) =>
  raw
    .replace(/(\$11\r\nage-seconds\r\n)(?:\$\d+\r\n[^\r]*\r\n|,[^\r]*\r\n)/g, '$1<age>')
    .replace(/(\$11\r\nclient-info\r\n)\$\d+\r\nid=\d+ addr=[^\r]* flags=([^ ]*) [^\r]*\r\n/g, '$1<client flags=$2>');

/** Categories whose command lists are the same in redis-sim (others name commands it lacks). */
const SAME_CATEGORIES = [
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'blocking',
  'transaction',
  'scripting',
];

compatSuite('acl', [
  {
    name: 'COMMAND INFO and DOCS (subcommands in hash order on Redis: sorted at every depth)',
    cmds: [
      ['COMMAND', 'INFO', 'acl'],
      ['COMMAND', 'DOCS', 'acl'],
      ['COMMAND', 'INFO', 'acl|dryrun', 'acl|log'],
    ],
    normalize: deepSortReply,
  },
  {
    name: 'WHOAMI USERS LIST GETUSER',
    cmds: [
      ['ACL', 'WHOAMI'],
      ['ACL', 'USERS'],
      ['ACL', 'LIST'],
      ['ACL', 'GETUSER', 'default'],
      ['ACL', 'GETUSER', 'Default'],
      ['ACL', 'GETUSER', 'nobody'],
    ],
  },
  {
    name: 'requirepass in LIST and GETUSER',
    cmds: [
      ['CONFIG', 'SET', 'requirepass', 'p@ss'],
      ['ACL', 'LIST'],
      ['ACL', 'GETUSER', 'default'],
      ['ACL', 'SETUSER', 'default', '>p@ss', 'on', '~*'],
      ['CONFIG', 'SET', 'requirepass', ''],
      ['ACL', 'LIST'],
    ],
  },
  {
    name: 'CAT',
    cmds: [
      ['ACL', 'CAT'],
      ['ACL', 'CAT', 'nosuch'],
      ['ACL', 'CAT', 'a', 'b'],
      ['ACL', 'cat', 'x', 'y'],
    ],
  },
  {
    name: 'CAT <category> (commands in hash order on Redis: compared as sets)',
    cmds: [...SAME_CATEGORIES.map((c) => ['ACL', 'CAT', c]), ['ACL', 'CAT', 'StReAm']],
    unordered: true,
  },
  {
    name: 'GENPASS',
    cmds: [
      ['ACL', 'GENPASS'],
      ['ACL', 'GENPASS', '1'],
      ['ACL', 'GENPASS', '5'],
      ['ACL', 'GENPASS', '255'],
      ['ACL', 'GENPASS', '4096'],
      ['ACL', 'GENPASS', '0'],
      ['ACL', 'GENPASS', '-3'],
      ['ACL', 'GENPASS', '4097'],
      ['ACL', 'GENPASS', 'abc'],
      ['ACL', 'GENPASS', '1', '2'],
    ],
    normalize: hexShape,
  },
  {
    name: 'DRYRUN',
    cmds: [
      ['ACL', 'DRYRUN', 'default', 'get', 'x'],
      ['ACL', 'DRYRUN', 'default', 'GET'],
      ['ACL', 'DRYRUN', 'default', 'set', 'k', 'v', 'EX', '10'],
      ['ACL', 'DRYRUN', 'default', 'CONFIG', 'GET', 'x'],
      ['ACL', 'DRYRUN', 'default', 'config', 'get'],
      ['ACL', 'DRYRUN', 'default', 'config', 'nosuch'],
      ['ACL', 'DRYRUN', 'default', 'config'],
      ['ACL', 'DRYRUN', 'default', 'acl', 'whoami'],
      ['ACL', 'DRYRUN', 'default', 'multi'],
      ['ACL', 'DRYRUN', 'default', 'nosuch', 'a'],
      ['ACL', 'DRYRUN', 'Default', 'get', 'x'],
      ['ACL', 'DRYRUN', 'bob', 'nosuch'],
      ['ACL', 'DRYRUN', 'default'],
    ],
  },
  {
    name: 'SETUSER no-ops on default, DELUSER, LOAD, SAVE',
    cmds: [
      ['ACL', 'SETUSER', 'default', 'on', 'nopass', '~*', '&*', '+@all'],
      ['ACL', 'SETUSER', 'default'],
      ['ACL', 'SETUSER', 'default', 'ON', 'allkeys', 'allchannels', 'allcommands', '+@ALL'],
      ['ACL', 'SETUSER'],
      ['ACL', 'DELUSER', 'default'],
      ['ACL', 'DELUSER', 'nobody', 'default'],
      ['ACL', 'DELUSER', 'nobody'],
      ['ACL', 'DELUSER'],
      ['ACL', 'LOAD'],
      ['ACL', 'SAVE'],
      ['ACL', 'LOAD', 'x'],
      ['ACL', 'LIST'],
    ],
  },
  {
    name: 'HELP and errors',
    cmds: [
      ['ACL', 'HELP'],
      ['ACL'],
      ['ACL', 'foo'],
      ['ACL', 'WHOAMI', 'x'],
      ['ACL', 'USERS', 'x'],
      ['ACL', 'GETUSER'],
      ['ACL', 'help', 'x'],
    ],
  },
  {
    name: 'ACL from scripts and inside MULTI',
    cmds: [
      ['EVAL', "return redis.call('acl', 'whoami')", '0'],
      ['EVAL', "return redis.pcall('acl', 'cat')", '0'],
      ['EVAL', "return redis.call('acl', 'help')[2]", '0'],
      ['MULTI'],
      ['ACL', 'WHOAMI'],
      ['ACL', 'GETUSER', 'nobody'],
      ['ACL', 'DELUSER', 'default'],
      ['EXEC'],
    ],
  },
  {
    name: 'AUTH with usernames',
    cmds: [
      ['AUTH', 'default', 'anything'],
      ['AUTH', 'bob', 'x'],
      ['AUTH', 'Default', 'x'],
      ['HELLO', '2', 'AUTH', 'bob', 'x'],
      ['HELLO', '2', 'AUTH', 'default', 'x'],
    ],
    normalize: (raw) => raw.replace(/\$2\r\nid\r\n:\d+\r\n/, '$$2\r\nid\r\n:<id>\r\n'),
  },
  {
    name: 'LOG of AUTH failures (grouping, order, count, RESET)',
    cmds: [
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'LOG'],
      ['AUTH', 'bob', 'x'],
      ['AUTH', 'bob', 'y'],
      ['Auth', 'bob', 'x'],
      ['HELLO', '3', 'AUTH', 'carol', 'x'],
      ['AUTH', 'default', 'x'],
      ['ACL', 'LOG'],
      ['ACL', 'LOG', '2'],
      ['ACL', 'LOG', '0'],
      ['ACL', 'LOG', '-1'],
      ['ACL', 'LOG', 'x'],
      ['ACL', 'LOG', '1', '2'],
      ['ACL', 'LOG', 'reset', 'x'],
      ['ACL', 'LOG', 'reset'],
      ['ACL', 'LOG'],
    ],
    normalize: logShape,
  },
  {
    name: 'LOG of an AUTH failure inside EXEC',
    cmds: [['ACL', 'LOG', 'RESET'], ['MULTI'], ['AUTH', 'bob', 'x'], ['EXEC'], ['ACL', 'LOG'], ['ACL', 'LOG', 'RESET']],
    normalize: logShape,
  },
  {
    name: 'LOG with requirepass: wrong passwords for default',
    cmds: [
      ['ACL', 'LOG', 'RESET'],
      ['CONFIG', 'SET', 'requirepass', 'pw'],
      ['AUTH', 'nope'],
      ['AUTH', 'default', 'nope'],
      ['AUTH', 'pw'],
      ['ACL', 'LOG'],
      ['CONFIG', 'SET', 'requirepass', ''],
      ['ACL', 'LOG', 'RESET'],
    ],
    normalize: logShape,
  },
]);
