/**
 * MODULE LIST | LOAD | LOADEX | UNLOAD | HELP as a Redis 7.0 that never has a module loaded and
 * cannot load one (redis-sim runs no native code):
 * - LIST: the empty array.
 * - LOAD, LOADEX, UNLOAD: refused unless enable-module-command allows it (default "no"; "local"
 *   for loopback clients), with Redis's "MODULE command not allowed" text. When allowed, LOAD and
 *   LOADEX fail as Redis does for a library that does not load ("Error loading the extension",
 *   whatever the path or the arguments; the reason goes to the log) and UNLOAD finds no module.
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';
import { replyHelp } from './config.js';
import { protectedActionAllowed } from './debug.js';

const HELP = [
  'LIST',
  '    Return a list of loaded modules.',
  'LOAD <path> [<arg> ...]',
  '    Load a module library from <path>, passing to it any optional arguments.',
  'LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]',
  '    Load a module library from <path>, while passing it module configurations and optional arguments.',
  'UNLOAD <name>',
  '    Unload a module.',
];

function checkAllowed(c: Client): void {
  if (!protectedActionAllowed(c, 'enable-module-command')) {
    throw new RedisError(
      'ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
    );
  }
}

function load(c: Client, args: string[]): void {
  checkAllowed(c);
  c.node.log('warning', `Module ${args[2]} failed to load: redis-sim cannot load native modules`);
  throw new RedisError('ERR Error loading the extension. Please check the server logs.');
}

function unload(c: Client): void {
  checkAllowed(c);
  throw new RedisError('ERR Error unloading module: no such module with that name');
}

const admin = { flags: ['admin', 'noscript', 'no_async_loading'], acl: ['admin', 'slow', 'dangerous'], group: 'server' } as const;

export const moduleCommands: CommandSpec[] = [
  {
    name: 'module',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'server',
    since: '4.0.0',
    summary: 'A container for module commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow'],
        group: 'server',
        since: '5.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: (c) => replyHelp(c, 'MODULE', HELP),
      },
      {
        name: 'list',
        arity: 2,
        flags: ['admin', 'noscript'],
        acl: ['admin', 'slow', 'dangerous'],
        group: 'server',
        since: '4.0.0',
        summary: 'List all modules loaded by the server',
        complexity: 'O(N) where N is the number of loaded modules.',
        tips: ['nondeterministic_output_order'],
        handler: (c) => c.reply.arrayLen(0),
      },
      { ...admin, name: 'load', arity: -3, since: '4.0.0', summary: 'Load a module', complexity: 'O(1)', handler: load },
      {
        ...admin,
        name: 'loadex',
        arity: -3,
        since: '7.0.0',
        summary: 'Load a module with extended parameters',
        complexity: 'O(1)',
        handler: load,
      },
      { ...admin, name: 'unload', arity: 3, since: '4.0.0', summary: 'Unload a module', complexity: 'O(1)', handler: unload },
    ],
  },
];
