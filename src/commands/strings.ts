/**
 * String commands (minimal until issue 2's strings land): GET SET.
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';

function get(c: Client, args: string[]): void {
  const o = c.db.get(args[1] as string, 'string');
  c.reply.bulkOrNil(o?.value);
}

function set(c: Client, args: string[]): void {
  const key = args[1] as string;
  c.db.setString(key, args[2] as string);
  c.node.signalModifiedKey(c.db, key);
  c.node.notify(c.db, '$', 'set', key);
  c.reply.ok();
}

const base = { group: 'string', since: '1.0.0', firstKey: 1, lastKey: 1, keyStep: 1 } as const;

export const stringCommands: CommandSpec[] = [
  { ...base, name: 'get', arity: 2, flags: ['readonly', 'fast'], acl: ['read', 'string', 'fast'], handler: get },
  { ...base, name: 'set', arity: -3, flags: ['write', 'denyoom'], acl: ['write', 'string', 'slow'], handler: set },
];
