/**
 * A node's ACL state: its users by name (the default user always exists and is never replaced,
 * only reassigned, so clients keep pointing at it), the ACL log, and the operations that touch
 * clients: authentication and closing the clients of a deleted user.
 *
 * The default user starts as Redis creates it (on nopass ~* &* +@all); the requirepass setting
 * rewrites its passwords whenever it changes (ACLUpdateDefaultUserPassword: resetpass, then
 * >password, or nopass when empty). With an aclfile configured, the file is loaded at start.
 */
import type { Client } from '../engine/client.js';
import type { RedisNode } from '../engine/node.js';
import { aclTable } from './table.js';
import { User } from './user.js';

export interface AclState {
  users: Map<string, User>;
  defaultUser: User;
  /** Fake clients' user (Redis's NULL user, "(superuser)"): everything allowed. */
  superuser: User;
}

const states = new WeakMap<RedisNode, AclState>();

export function newUser(node: RedisNode, name: string): User {
  return new User(name, aclTable(node), () => node.config.get('acl-pubsub-default') === 'allchannels');
}

/** ACLCreateDefaultUser. */
export function createDefaultUser(node: RedisNode): User {
  const u = newUser(node, 'default');
  for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) u.apply(op);
  return u;
}

function updateDefaultPassword(u: User, pass: string): void {
  u.apply('resetpass');
  u.apply(pass === '' ? 'nopass' : `>${pass}`);
}

export function aclState(node: RedisNode): AclState {
  let s = states.get(node);
  if (s) return s;
  const defaultUser = createDefaultUser(node);
  const superuser = createDefaultUser(node);
  updateDefaultPassword(defaultUser, node.config.get('requirepass'));
  node.config.onChange('requirepass', (v) => updateDefaultPassword(defaultUser, v));
  s = { users: new Map([['default', defaultUser]]), defaultUser, superuser };
  states.set(node, s);
  return s;
}

/** A client's user: engine/ knows it as an AclSubject, and every user is one of acl/'s Users. */
export function userOf(c: Client): User {
  return c.user as User;
}

export function defaultUserOf(node: RedisNode): User {
  return aclState(node).defaultUser;
}

/** authRequired: a client that has not authenticated may run commands while default is nopass and on. */
export function authRequired(c: Client): boolean {
  if (c.authenticated) return false;
  const d = aclState(c.node).defaultUser;
  return !d.flags.nopass || d.flags.disabled;
}

/** clientSetDefaultAuth (new connections, RESET). */
export function setDefaultAuth(c: Client): void {
  const d = aclState(c.node).defaultUser;
  c.user = d;
  c.authenticated = d.flags.nopass && !d.flags.disabled;
}

/** ACLCheckUserCredentials: an enabled user with nopass or one of its passwords' hash. */
export function checkCredentials(node: RedisNode, username: string, password: string, hash: (p: string) => string): User | undefined {
  const u = aclState(node).users.get(username);
  if (!u || u.flags.disabled) return undefined;
  if (u.flags.nopass) return u;
  const h = hash(password);
  return u.passwords.includes(h) ? u : undefined;
}

/**
 * ACLFreeUserAndKillClients: every client authenticated as `u` goes back to the default user,
 * unauthenticated, and is closed: the caller after its reply, the others at once.
 */
export function killClientsOf(node: RedisNode, u: User, caller: Client | undefined): void {
  u.dead = true;
  const d = aclState(node).defaultUser;
  for (const cl of [...node.clients.values()]) {
    if (cl.user !== u) continue;
    cl.user = d;
    cl.authenticated = false;
    if (cl === caller) cl.closeAfterReply = true;
    else closeClient(node, cl);
  }
}

/** Frees a client now, dropping its pending output (Redis's freeClient / freeClientAsync). */
export function closeClient(node: RedisNode, cl: Client): void {
  node.removeClient(cl);
  cl.reply.take();
  cl.transport?.close();
}
