import { compatSuite } from './harness.js';
import { scenarioSuite } from './scenario.js';

compatSuite('pubsub (one connection)', [
  {
    name: 'PUBLISH with no subscribers',
    cmds: [
      ['PUBLISH', 'a', 'x'],
      ['SPUBLISH', 'a', 'x'],
    ],
  },
  {
    name: 'PUBSUB introspection when idle',
    cmds: [
      ['PUBSUB', 'CHANNELS'],
      ['PUBSUB', 'NUMSUB', 'a', 'b'],
      ['PUBSUB', 'NUMSUB'],
      ['PUBSUB', 'NUMPAT'],
      ['PUBSUB', 'SHARDCHANNELS', 'x*'],
    ],
  },
  {
    name: 'PUBSUB errors and help',
    cmds: [
      ['PUBSUB'],
      ['PUBSUB', 'FOO'],
      ['PUBSUB', 'CHANNELS', 'a', 'b'],
      ['PUBSUB', 'SHARDCHANNELS', 'a', 'b'],
      ['PUBSUB', 'NUMPAT', 'x'],
      ['PUBSUB', 'HELP'],
      ['PUBSUB', 'HELP', 'x'],
      ['pubsub', 'help'],
    ],
  },
  {
    name: 'arity',
    cmds: [['SUBSCRIBE'], ['PSUBSCRIBE'], ['SSUBSCRIBE'], ['PUBLISH', 'a'], ['SPUBLISH', 'a', 'b', 'c']],
  },
  { name: 'UNSUBSCRIBE with nothing subscribed', cmds: [['UNSUBSCRIBE'], ['PUNSUBSCRIBE'], ['SUNSUBSCRIBE'], ['UNSUBSCRIBE', 'x']] },
  {
    name: 'RESP2 subscribed-mode restriction',
    resp: [2],
    cmds: [
      ['SUBSCRIBE', 'a'],
      ['GET', 'x'],
      ['CONFIG', 'GET', 'x'],
      ['PUBSUB', 'NUMPAT'],
      ['MULTI'],
      ['PING'],
      ['PING', 'x'],
      ['PSUBSCRIBE', 'p*'],
      ['UNSUBSCRIBE', 'a'],
      ['GET', 'x'],
      ['PUNSUBSCRIBE', 'p*'],
      ['GET', 'x'],
      ['PING'],
    ],
  },
  {
    name: 'RESP3 runs any command while subscribed',
    resp: [3],
    cmds: [['SUBSCRIBE', 'a'], ['SET', 'k', 'v'], ['GET', 'k'], ['PING'], ['PUBLISH', 'a', 'self'], ['UNSUBSCRIBE', 'a'], ['PING']],
  },
  {
    name: 'shard counts are separate from channel + pattern counts',
    cmds: [
      ['SUBSCRIBE', 'a'],
      ['SSUBSCRIBE', 's'],
      ['PSUBSCRIBE', 'p'],
      ['SSUBSCRIBE', 't'],
      ['SUNSUBSCRIBE', 's'],
      ['PUNSUBSCRIBE', 'p'],
    ],
  },
  { name: 'RESET drops subscriptions', cmds: [['SUBSCRIBE', 'a'], ['RESET'], ['PUBLISH', 'a', 'x'], ['PUBSUB', 'NUMSUB', 'a']], resp: [2] },
]);

scenarioSuite('pubsub across connections', [
  {
    name: 'SUBSCRIBE frames, repeats, messages to several subscribers',
    steps: [
      { c: 0, cmd: ['SUBSCRIBE', 'a', 'b', 'a'], replies: 3 },
      { c: 1, cmd: ['SUBSCRIBE', 'a'] },
      { c: 2, cmd: ['PUBLISH', 'a', 'hello'] },
      { c: 0, read: 1 },
      { c: 1, read: 1 },
      { c: 2, cmd: ['PUBLISH', 'b', 'x\r\ny'] },
      { c: 0, read: 1 },
      { c: 2, cmd: ['PUBSUB', 'NUMSUB', 'a', 'b', 'c'] },
      { c: 2, cmd: ['PUBSUB', 'CHANNELS'], sort: true },
      { c: 2, cmd: ['PUBSUB', 'CHANNELS', 'a*'] },
      // With several channels the frames come in Redis's hash order: one at a time here.
      { c: 0, cmd: ['UNSUBSCRIBE', 'b'] },
      { c: 0, cmd: ['UNSUBSCRIBE'] },
      { c: 2, cmd: ['PUBSUB', 'CHANNELS'] },
    ],
  },
  {
    name: 'patterns: pmessage after message, glob rules, NUMPAT counts unique patterns',
    steps: [
      { c: 0, cmd: ['SUBSCRIBE', 'news.tech'] },
      { c: 0, cmd: ['PSUBSCRIBE', 'news.*'] },
      { c: 1, cmd: ['PSUBSCRIBE', 'news.*', 'n[ae]ws.?ech', 'x\\*'], replies: 3 },
      { c: 2, cmd: ['PUBLISH', 'news.tech', 'hi'] },
      { c: 0, read: 2 },
      { c: 1, read: 2, sort: true },
      { c: 2, cmd: ['PUBLISH', 'x*', 'star'] },
      { c: 1, read: 1 },
      { c: 2, cmd: ['PUBLISH', 'xy', 'no'] },
      { c: 2, cmd: ['PUBSUB', 'NUMPAT'] },
      { c: 1, cmd: ['PUNSUBSCRIBE'], replies: 3 },
      { c: 2, cmd: ['PUBSUB', 'NUMPAT'] },
    ],
  },
  {
    name: 'shard channels ignore patterns and PUBLISH',
    steps: [
      { c: 0, cmd: ['SSUBSCRIBE', 'orders', 'audit'], replies: 2 },
      { c: 1, cmd: ['PSUBSCRIBE', '*'] },
      { c: 2, cmd: ['SPUBLISH', 'orders', 'o1'] },
      { c: 0, read: 1 },
      { c: 2, cmd: ['PUBLISH', 'orders', 'o2'] },
      { c: 1, read: 1 },
      { c: 2, cmd: ['PUBSUB', 'SHARDCHANNELS'], sort: true },
      { c: 2, cmd: ['PUBSUB', 'SHARDNUMSUB', 'orders', 'nope'] },
      { c: 0, cmd: ['SUNSUBSCRIBE', 'orders'] },
      { c: 2, cmd: ['PUBSUB', 'SHARDCHANNELS'] },
    ],
  },
  {
    name: 'messages from one publisher keep their order',
    steps: [
      { c: 0, cmd: ['PSUBSCRIBE', 'q*'] },
      ...Array.from({ length: 20 }, (_, i) => ({ c: 1, cmd: ['PUBLISH', `q${i % 3}`, String(i)] })),
      { c: 0, read: 20 },
    ],
  },
  {
    name: 'pub/sub frames are sent under CLIENT REPLY OFF and SKIP',
    steps: [
      { c: 0, cmd: ['CLIENT', 'REPLY', 'OFF'], replies: 0 },
      { c: 0, cmd: ['SUBSCRIBE', 'a', 'b'], replies: 2 },
      { c: 1, cmd: ['PUBLISH', 'a', 'x'] },
      { c: 0, read: 1 },
      { c: 0, cmd: ['UNSUBSCRIBE', 'b'] },
      { c: 0, cmd: ['PING'], replies: 0 },
      { c: 0, cmd: ['UNSUBSCRIBE'] },
      { c: 0, cmd: ['CLIENT', 'REPLY', 'ON'] },
      { c: 0, cmd: ['CLIENT', 'REPLY', 'SKIP'], replies: 0 },
      { c: 0, cmd: ['PSUBSCRIBE', 'p*'] },
      { c: 0, cmd: ['UNSUBSCRIBE'] },
      { c: 0, cmd: ['PUNSUBSCRIBE'] },
    ],
  },
  {
    name: 'a RESP3 client publishing to itself under CLIENT REPLY OFF gets only the message',
    resp: [3],
    steps: [
      { c: 0, cmd: ['SUBSCRIBE', 'self'] },
      { c: 0, cmd: ['CLIENT', 'REPLY', 'OFF'], replies: 0 },
      { c: 0, cmd: ['PUBLISH', 'self', 'x'] },
      { c: 0, cmd: ['SET', 'k', 'v'], replies: 0 },
      { c: 0, cmd: ['CLIENT', 'REPLY', 'ON'] },
    ],
  },
  {
    name: 'a subscriber that disconnects is forgotten',
    steps: [
      { c: 0, cmd: ['SUBSCRIBE', 'gone'] },
      { c: 0, cmd: ['QUIT'] },
      { sleep: 50 },
      { c: 1, cmd: ['PUBLISH', 'gone', 'x'] },
      { c: 1, cmd: ['PUBSUB', 'NUMSUB', 'gone'] },
    ],
  },
]);
