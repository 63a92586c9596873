/**
 * What a connection read but cannot run yet: the commands behind a blocked command (BLPOP, a
 * CLIENT PAUSE, a delay fault) or behind one the fault gate holds (a paused node, a hanging
 * partition, a busy script). They run in order once the client is released.
 *
 * Except the control command: it is the test's hand, so it runs as soon as it is read, even
 * behind a blocked or held command; its reply waits for its turn in the backlog, so replies stay
 * in request order (RESP has no other way to pair them). Inside MULTI it is queued as usual.
 */
import type { Client } from '../engine/client.js';
import type { RedisNode } from '../engine/node.js';

type Item = { args: string[] } | { reply: string } | { protocolError: string };

/** Whether `args` is the node's control command (SIM, or its configured name). */
export function isControl(node: RedisNode, args: string[]): boolean {
  return node.controlCommand !== false && node.lookupCommand(args[0] as string)?.group === 'sim';
}

export class Backlog {
  private items: Item[] = [];

  get length(): number {
    return this.items.length;
  }

  /** Whether a newly read command must wait behind something. */
  waiting(c: Client): boolean {
    return c.blocked !== undefined || this.items.length > 0;
  }

  /** A command read while waiting: the control command runs now (reply kept), others wait. */
  add(node: RedisNode, c: Client, args: string[]): void {
    if (c.multi !== undefined || !isControl(node, args)) {
      this.items.push({ args });
      return;
    }
    const mark = c.reply.length;
    const noBlock = c.noBlock;
    c.noBlock = true;
    // One level deeper, so that the clients its effects release are served after its reply is
    // taken out (this client may be one of them: its reply must come first).
    node.depth++;
    try {
      node.execute(c, args);
    } finally {
      node.depth--;
      c.noBlock = noBlock;
    }
    this.items.push({ reply: c.reply.since(mark) });
    c.reply.truncate(mark);
    if (node.depth === 0) node.afterCommand();
  }

  /** A command the gate holds: the first to run when the hold ends. */
  hold(args: string[]): void {
    this.items.push({ args });
  }

  /** A protocol error read while waiting: answered (and the connection closed) in its turn. */
  protocolError(message: string): void {
    this.items.push({ protocolError: message });
  }

  /** Runs what waited, in order, until a command blocks or `held` says it must wait again. */
  drain(node: RedisNode, c: Client, held: (args: string[]) => boolean): void {
    while (this.items.length > 0 && !c.blocked && !c.closeAfterReply && !c.closed) {
      const it = this.items[0] as Item;
      if ('args' in it) {
        if (held(it.args)) return;
        this.items.shift();
        node.execute(c, it.args);
      } else if ('reply' in it) {
        this.items.shift();
        c.reply.raw(it.reply);
      } else {
        this.items.shift();
        c.reply.error(`ERR ${it.protocolError}`);
        c.closeAfterReply = true;
      }
    }
  }

  clear(): void {
    this.items = [];
  }
}
