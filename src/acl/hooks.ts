/**
 * ACL as a node's hooks (engine/acl.ts's AclHooks): the user a new client starts as, authRequired
 * and processCommand's check. RedisSim and Sentinel build their nodes with `acl: aclHooks`.
 */
import type { AclHooks } from '../engine/acl.js';
import type { RedisNode } from '../engine/node.js';
import { aclDenyCommand } from './enforce.js';
import { aclState, authRequired } from './store.js';

export function aclHooks(node: RedisNode): AclHooks {
  return {
    // createClient: authenticated at once while the default user is "nopass" and on.
    initialUser(fake) {
      const acl = aclState(node);
      if (fake) return { user: acl.superuser, authenticated: true };
      return { user: acl.defaultUser, authenticated: acl.defaultUser.flags.nopass && !acl.defaultUser.flags.disabled };
    },
    authRequired,
    deny: aclDenyCommand,
  };
}
