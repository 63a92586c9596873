/**
 * What engine/ knows of ACL: a client's user as an `AclSubject` (its name and whether any rule
 * restricts it), and the hooks a node calls (`node.acl`). src/acl/ implements both (acl/user.ts's
 * User, acl/hooks.ts's aclHooks) and is handed to the node through NodeOptions.acl, so engine/
 * imports nothing of acl/. A node built without it has one unrestricted user and no AUTH.
 */
import type { Client } from './client.js';
import type { ResolvedCommand } from './command.js';
import type { RedisNode } from './node.js';

export interface AclSubject {
  readonly name: string;
  /** False for a user allowed every command, key and channel: dispatch's one test. */
  readonly restricted: boolean;
}

export interface AclHooks {
  /** createClient: the user a new client starts as, and whether it starts authenticated. */
  initialUser(fake: boolean): { user: AclSubject; authenticated: boolean };
  /** authRequired: whether a client that has not authenticated must still do so. */
  authRequired(c: Client): boolean;
  /** processCommand's check for a restricted user: the NOPERM error to reject with, or undefined. */
  deny(c: Client, r: ResolvedCommand, args: string[]): string | undefined;
}

/** Makes a node's hooks (called once, while the node is built). */
export type AclHooksFactory = (node: RedisNode) => AclHooks;

const UNRESTRICTED: AclSubject = { name: 'default', restricted: false };

/** A node without ACL: everyone is an unrestricted default user, authenticated from the start. */
export const NO_ACL: AclHooks = {
  initialUser: () => ({ user: UNRESTRICTED, authenticated: true }),
  authRequired: () => false,
  deny: () => undefined,
};

/** Redis's ACL categories in the order of its ACLCommandCategories table (COMMAND INFO, ACL CAT). */
export const ACL_ORDER = [
  'keyspace',
  'read',
  'write',
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
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
];
