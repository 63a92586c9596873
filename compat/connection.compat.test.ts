import { compatSuite } from './harness.js';

compatSuite('connection', [
  { name: 'PING and ECHO', cmds: [['PING'], ['PING', 'hi'], ['PING', 'a', 'b'], ['ECHO', 'x'], ['ECHO']] },
  { name: 'unknown commands', cmds: [['NOPE'], ['NOPE', 'a', 'b c'], ['nope', 'x'.repeat(200)]] },
  {
    // Redis quotes names and arguments with %s: each is cut at its first NUL byte.
    name: 'unknown commands and subcommands with NUL bytes',
    cmds: [
      ['FOO\0BAR', 'a\0b', 'c'],
      ['\0X'],
      ['GET\0', 'k'],
      ['NOPE', `${'y'.repeat(100)}\0${'z'.repeat(100)}`, 'w'.repeat(100)],
      ['NOPE', '\0', '\0', 'a'],
      ['CONFIG', 'GE\0T', 'k'],
      ['CLIENT', `FO\0O${'x'.repeat(200)}`, 'a'],
      ['OBJECT', '\0'],
      ['get\0', 'a\r\nb'],
    ],
  },
  {
    name: 'SELECT',
    cmds: [
      ['SELECT', '15'],
      ['SELECT', '16'],
      ['SELECT', '-1'],
      ['SELECT', 'x'],
      ['SELECT', '0'],
    ],
  },
  {
    name: 'SWAPDB errors',
    cmds: [
      ['SWAPDB', 'a', '1'],
      ['SWAPDB', '0', 'b'],
      ['SWAPDB', '0', '99'],
      ['SWAPDB', '0', '1'],
    ],
  },
  {
    name: 'AUTH without a password',
    cmds: [
      ['AUTH', 'x'],
      ['AUTH', 'default', 'x'],
      ['AUTH', 'a', 'b', 'c'],
    ],
  },
  {
    name: 'HELLO errors',
    cmds: [
      ['HELLO', 'x'],
      ['HELLO', '4'],
      ['HELLO', '1'],
      ['HELLO', '3', 'FOO'],
      ['HELLO', '2', 'SETNAME', 'a b'],
      ['HELLO', '2', 'AUTH', 'default'],
    ],
  },
]);
