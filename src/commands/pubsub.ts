/**
 * Pub/sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH SSUBSCRIBE SUNSUBSCRIBE
 * SPUBLISH PUBSUB (CHANNELS NUMSUB NUMPAT SHARDCHANNELS SHARDNUMSUB HELP), as Redis 7.0's pubsub.c.
 *
 * - (P|S)SUBSCRIBE confirms each argument with its own frame, repeats included; the count is the
 *   client's channels + patterns (shard channels counted apart, for the S commands).
 * - (P|S)UNSUBSCRIBE with no argument removes every subscription of its kind, one frame each; with
 *   nothing to remove it still sends one frame whose channel is null.
 * - RESP2: while a client has subscriptions it may only run (P|S)(UN)SUBSCRIBE, PING, QUIT and
 *   RESET (the dispatcher enforces it; PING then answers ["pong", msg]). RESP3: anything goes,
 *   and messages are push frames.
 * - Inside EXEC, SUBSCRIBE and PSUBSCRIBE work (Redis keeps this for compatibility) but SSUBSCRIBE
 *   is refused, as for any client that cannot block.
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';
import { globMatch } from '../engine/glob.js';
import { globalCount, replySubscribed, replyUnsubscribed, shardCount } from '../engine/pubsub.js';

/** A client that expects one reply per command (a script, EXEC) cannot enter subscribed mode. */
function denyBlocking(c: Client, name: string, multiAllowed: boolean): void {
  if (c.noBlock && !(multiAllowed && c.multi)) throw new RedisError(`ERR ${name} isn't allowed for a DENY BLOCKING client`);
}

/** One of the three subscription kinds: channels, patterns, shard channels. */
interface Kind {
  /** Reply names of the subscribe and unsubscribe commands. */
  sub: 'subscribe' | 'psubscribe' | 'ssubscribe';
  unsub: 'unsubscribe' | 'punsubscribe' | 'sunsubscribe';
  /** Whether SUBSCRIBE-like commands may run inside MULTI (shard ones may not). */
  multiAllowed: boolean;
  subscribed: (c: Client) => Set<string>;
  add: (c: Client, name: string) => void;
  remove: (c: Client, name: string) => void;
  /** The count reported in confirmations: channels + patterns, or shard channels alone. */
  count: (c: Client) => number;
}

const CHANNELS: Kind = {
  sub: 'subscribe',
  unsub: 'unsubscribe',
  multiAllowed: true,
  subscribed: (c) => c.channels,
  add: (c, ch) => c.node.pubsub.subscribe(c, ch, 'global'),
  remove: (c, ch) => c.node.pubsub.unsubscribe(c, ch, 'global'),
  count: globalCount,
};

const PATTERNS: Kind = {
  sub: 'psubscribe',
  unsub: 'punsubscribe',
  multiAllowed: true,
  subscribed: (c) => c.patterns,
  add: (c, p) => c.node.pubsub.psubscribe(c, p),
  remove: (c, p) => c.node.pubsub.punsubscribe(c, p),
  count: globalCount,
};

const SHARD: Kind = {
  sub: 'ssubscribe',
  unsub: 'sunsubscribe',
  multiAllowed: false,
  subscribed: (c) => c.shardChannels,
  add: (c, ch) => c.node.pubsub.subscribe(c, ch, 'shard'),
  remove: (c, ch) => c.node.pubsub.unsubscribe(c, ch, 'shard'),
  count: shardCount,
};

/** (P|S)SUBSCRIBE: one confirmation frame per argument, each with the count after it. */
function subscribeTo(kind: Kind): (c: Client, args: string[]) => void {
  return (c, args) => {
    denyBlocking(c, kind.sub.toUpperCase(), kind.multiAllowed);
    for (let i = 1; i < args.length; i++) {
      const name = args[i] as string;
      kind.add(c, name);
      replySubscribed(c, kind.sub, name, kind.count(c));
    }
  };
}

/**
 * (P|S)UNSUBSCRIBE: one frame per argument; with no argument, one per current subscription, or a
 * single frame with a null name when there is none.
 */
function unsubscribeFrom(kind: Kind): (c: Client, args: string[]) => void {
  return (c, args) => {
    let names = args.slice(1);
    if (names.length === 0) {
      names = [...kind.subscribed(c)];
      if (names.length === 0) return replyUnsubscribed(c, kind.unsub, null, kind.count(c));
    }
    for (const name of names) {
      kind.remove(c, name);
      replyUnsubscribed(c, kind.unsub, name, kind.count(c));
    }
  };
}

const subscribe = subscribeTo(CHANNELS);
const unsubscribe = unsubscribeFrom(CHANNELS);
const psubscribe = subscribeTo(PATTERNS);
const punsubscribe = unsubscribeFrom(PATTERNS);
const ssubscribe = subscribeTo(SHARD);
const sunsubscribe = unsubscribeFrom(SHARD);

/** PUBLISH and SPUBLISH are replicated (forceCommandPropagation): a replica's subscribers get the message too. */
function publish(c: Client, args: string[]): void {
  c.node.propagation.force();
  c.reply.int(c.node.pubsub.publish(args[1] as string, args[2] as string));
}

function spublish(c: Client, args: string[]): void {
  c.node.propagation.force();
  c.reply.int(c.node.pubsub.spublish(args[1] as string, args[2] as string));
}

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]: channels with at least one subscriber. */
function channelList(c: Client, args: string[], table: Map<string, Set<Client>>): void {
  if (args.length > 3) throw subcommandSyntax(args);
  const pat = args[2];
  const out: string[] = [];
  for (const ch of table.keys()) if (pat === undefined || globMatch(pat, ch)) out.push(ch);
  c.reply.bulkArray(out);
}

/** PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: flat channel, count pairs (an array, even in RESP3). */
function numsub(c: Client, args: string[], kind: 'global' | 'shard'): void {
  c.reply.arrayLen((args.length - 2) * 2);
  for (let i = 2; i < args.length; i++) {
    const ch = args[i] as string;
    c.reply.bulk(ch);
    c.reply.int(c.node.pubsub.numsub(ch, kind));
  }
}

function subcommandSyntax(args: string[]): RedisError {
  return new RedisError(`ERR unknown subcommand or wrong number of arguments for '${args[1]}'. Try PUBSUB HELP.`);
}

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

function pubsubHelp(c: Client): void {
  c.reply.arrayLen(PUBSUB_HELP.length);
  for (const line of PUBSUB_HELP) c.reply.simple(line);
}

const base = { group: 'pubsub', since: '2.0.0' } as const;
const sub = ['pubsub', 'noscript', 'loading', 'stale'] as const;
const slow = ['pubsub', 'slow'] as const;
const info = { group: 'pubsub', since: '2.8.0', flags: ['pubsub', 'loading', 'stale'], acl: slow } as const;

export const pubsubCommands: CommandSpec[] = [
  {
    ...base,
    name: 'subscribe',
    arity: -2,
    flags: sub,
    acl: slow,
    summary: 'Listen for messages published to the given channels',
    handler: subscribe,
  },
  {
    ...base,
    name: 'unsubscribe',
    arity: -1,
    flags: sub,
    acl: slow,
    summary: 'Stop listening for messages posted to the given channels',
    handler: unsubscribe,
  },
  {
    ...base,
    name: 'psubscribe',
    arity: -2,
    flags: sub,
    acl: slow,
    summary: 'Listen for messages published to channels matching the given patterns',
    handler: psubscribe,
  },
  {
    ...base,
    name: 'punsubscribe',
    arity: -1,
    flags: sub,
    acl: slow,
    summary: 'Stop listening for messages posted to channels matching the given patterns',
    handler: punsubscribe,
  },
  {
    ...base,
    name: 'publish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    acl: ['pubsub', 'fast'],
    summary: 'Post a message to a channel',
    handler: publish,
  },
  {
    ...base,
    name: 'ssubscribe',
    arity: -2,
    since: '7.0.0',
    flags: sub,
    acl: slow,
    firstKey: 1,
    lastKey: -1,
    keyStep: 1,
    summary: 'Listen for messages published to the given shard channels',
    handler: ssubscribe,
  },
  {
    ...base,
    name: 'sunsubscribe',
    arity: -1,
    since: '7.0.0',
    flags: sub,
    acl: slow,
    firstKey: 1,
    lastKey: -1,
    keyStep: 1,
    summary: 'Stop listening for messages posted to the given shard channels',
    handler: sunsubscribe,
  },
  {
    ...base,
    name: 'spublish',
    arity: 3,
    since: '7.0.0',
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    acl: ['pubsub', 'fast'],
    firstKey: 1,
    lastKey: 1,
    keyStep: 1,
    summary: 'Post a message to a shard channel',
    handler: spublish,
  },
  {
    ...base,
    name: 'pubsub',
    arity: -2,
    since: '2.8.0',
    flags: [],
    acl: ['slow'],
    summary: 'A container for Pub/Sub commands',
    subcommands: [
      {
        ...info,
        name: 'channels',
        arity: -2,
        summary: 'List active channels',
        handler: (c, a) => channelList(c, a, c.node.pubsub.channels),
      },
      {
        ...info,
        name: 'numsub',
        arity: -2,
        summary: 'Get the count of subscribers for channels',
        handler: (c, a) => numsub(c, a, 'global'),
      },
      {
        ...info,
        name: 'numpat',
        arity: 2,
        summary: 'Get the count of unique patterns pattern subscriptions',
        handler: (c) => c.reply.int(c.node.pubsub.patterns.size),
      },
      {
        ...info,
        name: 'shardchannels',
        arity: -2,
        since: '7.0.0',
        summary: 'List active shard channels',
        handler: (c, a) => channelList(c, a, c.node.pubsub.shardChannels),
      },
      {
        ...info,
        name: 'shardnumsub',
        arity: -2,
        since: '7.0.0',
        summary: 'Get the count of subscribers for shard channels',
        handler: (c, a) => numsub(c, a, 'shard'),
      },
      {
        group: 'pubsub',
        name: 'help',
        arity: 2,
        since: '6.2.0',
        flags: ['loading', 'stale'],
        acl: ['slow'],
        summary: 'Show helpful text about the different subcommands',
        handler: pubsubHelp,
      },
    ],
  },
];
