/**
 * SORT's BY (with a pattern) and GET for users who may not read every key, as Redis 7.0.15's
 * sort.c refuses them ("BY/GET option of SORT denied due to insufficient ACL permissions"); a
 * constant BY, and users with allkeys or a read pattern "*", are allowed. The STORE destination
 * needs write permission (sortGetKeys flags it OW update).
 */
import { compatSuite } from './harness.js';

const AS = (user: string) => ['AUTH', user, 'pw'];

compatSuite('SORT BY/GET and ACL key permissions', [
  {
    name: 'restricted key patterns refuse BY patterns and GET',
    cmds: [
      ['ACL', 'SETUSER', 'somekeys', 'on', '>pw', '~k*', '+@all'],
      ['ACL', 'SETUSER', 'writeall', 'on', '>pw', '%W~*', '~k*', '+@all'],
      ['ACL', 'SETUSER', 'readall', 'on', '>pw', '%R~*', '+sort', '+sort_ro', '+auth'],
      ['ACL', 'SETUSER', 'selector', 'on', '>pw', '~k*', '+@all', '(~* +sort_ro)'],
      ['RPUSH', 'k', '3', '1', '2'],
      ['MSET', 'w_1', '9', 'w_2', '8', 'w_3', '7', 'x_1', 'a'],
      AS('somekeys'),
      ['SORT', 'k', 'BY', 'w_*'],
      ['SORT', 'k', 'GET', '#'],
      ['SORT', 'k', 'BY', 'nosort'],
      ['SORT', 'k', 'LIMIT', '0', '1', 'GET', 'x_*', 'BY', 'w_*'],
      ['SORT_RO', 'k', 'GET', 'x_*'],
      ['SORT', 'k', 'BY', 'w_*', 'FOO'],
      AS('writeall'),
      ['SORT', 'k', 'BY', 'w_*'],
      AS('readall'),
      ['SORT', 'k', 'BY', 'w_*', 'GET', '#', 'GET', 'x_*'],
      ['SORT', 'k', 'BY', 'w_*', 'STORE', 'dst'],
      ['SORT', 'k', 'STORE', 'kdst'],
      AS('writeall'),
      ['SORT', 'k', 'STORE', 'kdst'],
      ['SORT', 'k', 'STORE', 'w_dst'],
      AS('selector'),
      ['SORT', 'k', 'BY', 'w_*'],
      ['SORT_RO', 'k', 'BY', 'w_*', 'GET', 'x_*'],
      ['AUTH', 'default', 'x'],
      ['ACL', 'DELUSER', 'somekeys', 'writeall', 'readall', 'selector'],
    ],
  },
]);
