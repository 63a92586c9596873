import { compatSuite } from './harness.js';
import { scenarioSuite } from './scenario.js';

compatSuite('transactions', [
  { name: 'MULTI/EXEC', cmds: [['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['GET', 'a'], ['EXEC'], ['EXEC']] },
  { name: 'empty transaction', cmds: [['MULTI'], ['EXEC']] },
  {
    name: 'queue-time errors abort EXEC',
    cmds: [['MULTI'], ['SET', 'a', '1'], ['GET'], ['NOPE', 'x'], ['EXEC'], ['GET', 'a']],
  },
  {
    name: 'run-time errors are returned in place',
    cmds: [['MULTI'], ['SET', 'a', 'x'], ['INCR', 'a'], ['LPUSH', 'a', 'v'], ['SELECT', '99'], ['GET', 'a'], ['EXEC']],
  },
  {
    name: 'nested MULTI, WATCH inside MULTI',
    cmds: [['MULTI'], ['MULTI'], ['WATCH', 'x'], ['SET', 'a', '1'], ['EXEC']],
  },
  { name: 'DISCARD', cmds: [['DISCARD'], ['MULTI'], ['SET', 'a', '1'], ['DISCARD'], ['GET', 'a'], ['EXEC']] },
  { name: 'arity', cmds: [['WATCH'], ['MULTI', 'x'], ['EXEC', 'x'], ['DISCARD', 'x'], ['UNWATCH', 'x']] },
  {
    name: 'a rejected EXEC discards the transaction with EXECABORT',
    cmds: [['MULTI'], ['SET', 'a', '1'], ['EXEC', 'x'], ['EXEC'], ['GET', 'a'], ['WATCH', 'k'], ['EXEC', 'x']],
  },
  { name: 'EXEC in RESP2 subscribed mode', cmds: [['SUBSCRIBE', 'a'], ['EXEC']], resp: [2] },
  { name: 'UNWATCH is queued', cmds: [['MULTI'], ['UNWATCH'], ['EXEC']] },
  { name: 'own write before MULTI', cmds: [['WATCH', 'k'], ['SET', 'k', '1'], ['MULTI'], ['GET', 'k'], ['EXEC'], ['GET', 'k']] },
  { name: 'UNWATCH clears', cmds: [['WATCH', 'k'], ['SET', 'k', '1'], ['UNWATCH'], ['MULTI'], ['GET', 'k'], ['EXEC']] },
  {
    name: 'writes inside the transaction do not abort it',
    cmds: [['WATCH', 'k'], ['MULTI'], ['SET', 'k', '1'], ['INCR', 'k'], ['EXEC']],
  },
  {
    name: 'blocking commands inside MULTI do not block',
    cmds: [['MULTI'], ['BLPOP', 'nolist', '0'], ['LPUSH', 'l', 'a'], ['BLPOP', 'l', '0'], ['EXEC']],
  },
  { name: 'EXEC after RESET', cmds: [['MULTI'], ['SET', 'a', '1'], ['RESET'], ['EXEC'], ['GET', 'a']], resp: [2] },
  {
    name: 'SUBSCRIBE inside EXEC, SSUBSCRIBE refused',
    cmds: [['MULTI'], ['SUBSCRIBE', 'a'], ['SSUBSCRIBE', 'b'], ['PING'], ['EXEC'], ['PING']],
  },
  {
    name: 'WATCH of a key in another database',
    cmds: [['WATCH', 'k'], ['SELECT', '1'], ['SET', 'k', '1'], ['SELECT', '0'], ['MULTI'], ['EXEC']],
  },
  {
    name: 'FLUSHDB of the watched key',
    cmds: [['SET', 'k', '1'], ['WATCH', 'k'], ['FLUSHDB'], ['MULTI'], ['EXEC']],
  },
  {
    name: 'FLUSHDB without the watched key',
    cmds: [['SET', 'other', '1'], ['WATCH', 'k'], ['FLUSHDB'], ['MULTI'], ['EXEC']],
  },
  {
    name: 'FLUSHALL with the watched key in another database',
    cmds: [['WATCH', 'k'], ['SELECT', '1'], ['SET', 'x', '1'], ['FLUSHALL'], ['SELECT', '0'], ['MULTI'], ['EXEC']],
  },
  {
    name: 'SWAPDB of the watched key',
    cmds: [['SELECT', '1'], ['SET', 'k', '1'], ['SELECT', '0'], ['WATCH', 'k'], ['SWAPDB', '0', '1'], ['MULTI'], ['EXEC']],
  },
  {
    name: 'SWAPDB without the watched key',
    cmds: [['SET', 'other', '1'], ['WATCH', 'k'], ['SWAPDB', '0', '1'], ['MULTI'], ['EXEC'], ['SWAPDB', '0', '1']],
  },
  {
    name: 'DEL of a missing watched key is no change',
    cmds: [['WATCH', 'k'], ['DEL', 'k'], ['MULTI'], ['EXEC']],
  },
  {
    name: 'RENAME touches both keys',
    cmds: [['SET', 'a', '1'], ['WATCH', 'b'], ['RENAME', 'a', 'b'], ['MULTI'], ['EXEC']],
  },
  {
    name: 'EXPIRE touches the key',
    cmds: [['SET', 'a', '1'], ['WATCH', 'a'], ['EXPIRE', 'a', '100'], ['MULTI'], ['EXEC']],
  },
  {
    name: 'a failed write does not touch',
    cmds: [['SET', 'a', 'x'], ['WATCH', 'a'], ['INCR', 'a'], ['SET', 'a', 'y', 'NX'], ['MULTI'], ['EXEC']],
  },
]);

scenarioSuite('transactions across connections', [
  {
    name: 'a write of the same value by another client aborts EXEC',
    steps: [
      { c: 0, cmd: ['SET', 'k', 'v'] },
      { c: 0, cmd: ['WATCH', 'k'] },
      { c: 1, cmd: ['SET', 'k', 'v'] },
      { c: 0, cmd: ['MULTI'] },
      { c: 0, cmd: ['SET', 'k', 'mine'] },
      { c: 0, cmd: ['EXEC'] },
      { c: 0, cmd: ['GET', 'k'] },
    ],
  },
  {
    name: 'two watchers of one key both fail; an unrelated one succeeds',
    steps: [
      { c: 0, cmd: ['WATCH', 'k'] },
      { c: 1, cmd: ['WATCH', 'k', 'j'] },
      { c: 2, cmd: ['WATCH', 'j'] },
      { c: 3, cmd: ['LPUSH', 'k', 'x'] },
      { c: 0, cmd: ['MULTI'] },
      { c: 0, cmd: ['EXEC'] },
      { c: 1, cmd: ['MULTI'] },
      { c: 1, cmd: ['EXEC'] },
      { c: 2, cmd: ['MULTI'] },
      { c: 2, cmd: ['EXEC'] },
    ],
  },
  {
    name: 'a watched key that expires aborts EXEC',
    steps: [
      { c: 0, cmd: ['SET', 'lock', 'me', 'PX', '50'] },
      { c: 0, cmd: ['WATCH', 'lock'] },
      { sleep: 150 },
      { c: 0, cmd: ['MULTI'] },
      { c: 0, cmd: ['SET', 'lock', 'again'] },
      { c: 0, cmd: ['EXEC'] },
      { c: 0, cmd: ['GET', 'lock'] },
    ],
  },
  {
    name: 'a blocked client is served after the whole transaction',
    steps: [
      { c: 1, cmd: ['BLPOP', 'q', '0'], replies: 0 },
      { sleep: 50 },
      { c: 0, cmd: ['MULTI'] },
      { c: 0, cmd: ['RPUSH', 'q', 'a', 'b'] },
      { c: 0, cmd: ['LPOP', 'q'] },
      { c: 0, cmd: ['EXEC'] },
      { c: 1, read: 1 },
      { c: 0, cmd: ['LRANGE', 'q', '0', '-1'] },
    ],
  },
  {
    name: 'an element pushed and popped inside one transaction wakes nobody',
    steps: [
      { c: 1, cmd: ['BLPOP', 'q', '0.2'], replies: 0 },
      { sleep: 50 },
      { c: 0, cmd: ['MULTI'] },
      { c: 0, cmd: ['RPUSH', 'q', 'a'] },
      { c: 0, cmd: ['LPOP', 'q'] },
      { c: 0, cmd: ['EXEC'] },
      { c: 1, read: 1 },
    ],
  },
]);
