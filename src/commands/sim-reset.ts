/**
 * SIM RESET: puts the node back as it started (engine/reset.ts), so a server shared by several
 * test files or a globalSetup server starts each test clean. Every other client connection is
 * closed; the caller stays connected (its database selection included). Faults are removed and the
 * journal is stopped and emptied (faults/faults.ts resetFaults).
 */
import { Client } from '../engine/client.js';
import { resetNode } from '../engine/reset.js';
import { resetFaults } from '../faults/faults.js';
import { addSimSubcommand } from './sim.js';

addSimSubcommand(
  {
    group: 'sim',
    since: '0.1.0',
    flags: ['noscript', 'loading', 'stale'],
    acl: ['admin', 'dangerous'],
    name: 'reset',
    arity: 2,
    handler: (c) => {
      resetNode(
        c.node,
        () => {
          const f = new Client(c.node, undefined, { fake: true });
          f.noBlock = true;
          return f;
        },
        c,
      );
      resetFaults(c.node);
      c.reply.ok();
    },
  },
  [
    'RESET',
    '    Empty every database, flush scripts and functions, restore the start configuration and clock, remove every fault, stop and clear the journal, close other clients.',
  ],
);
