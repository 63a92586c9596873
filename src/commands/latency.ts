/**
 * LATENCY LATEST | HISTORY | RESET | GRAPH | DOCTOR | HISTOGRAM | HELP, as Redis 7.0's latency.c.
 *
 * - Latency monitor: with latency-monitor-threshold > 0 (ms), a call whose measured duration in ms
 *   is >= the threshold adds a sample to the "command" event ("fast-command" for commands flagged
 *   fast), as Redis's call(). Other events (expire-cycle, eviction-*, fork, aof-*) are never
 *   recorded: redis-sim has no such work. Each event keeps its last 160 samples, one per second
 *   (a later sample in the same second keeps the larger latency), with time from the node clock.
 * - LATEST: [event, time, latest ms, max ms] per event; HISTORY event: [time, ms] pairs; RESET
 *   [event ...]: the number of events reset (all when none is named).
 * - GRAPH event: the "No samples available" error for an event without samples; with samples a
 *   simplified text (the header Redis prints and one "time ms" line per sample) - approximate.
 * - DOCTOR: Redis's text for a disabled monitor (threshold 0); with the monitor enabled, Redis's
 *   text for no events, or one summary line per event (approximate: not Redis's analysis).
 * - HISTOGRAM [command ...]: per-command call counts and a cumulative histogram of durations in
 *   Redis's buckets: bucket k (k >= 0) covers durations up to 2^(10+k) ns in hdr_histogram's
 *   2-significant-digit resolution and is reported as floor((2^(10+k) + 2^(3+k) - 1) / 1000) µs
 *   (1, 2, 4, 8, 16, 33, 66, 132, ...); only buckets where the cumulative count grows are listed.
 *   Durations are real measured time; commands run by scripts count as 0 µs (not timed). A
 *   container name lists its subcommands; unknown or never-called names are skipped. CONFIG
 *   RESETSTAT forgets a command's histogram (lazily: hidden until it runs again).
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { callObservers } from '../engine/dispatch.js';
import { RedisError } from '../engine/errors.js';
import type { RedisNode } from '../engine/node.js';
import { replyHelp } from './config.js';

const HISTORY_LEN = 160;

interface Sample {
  time: number;
  latency: number;
}

interface EventSeries {
  samples: Sample[];
  max: number;
}

interface Histogram {
  calls: number;
  /** Count per bucket (not cumulative). */
  buckets: number[];
}

interface LatencyState {
  events: Map<string, EventSeries>;
  histograms: Map<string, Histogram>;
}

const states = new WeakMap<RedisNode, LatencyState>();

function state(node: RedisNode): LatencyState {
  let s = states.get(node);
  if (!s) {
    s = { events: new Map(), histograms: new Map() };
    states.set(node, s);
  }
  return s;
}

/** The bucket a duration in µs falls in (see the file comment). */
function bucketOf(usec: number): number {
  const ns = Math.max(1, usec * 1000);
  let k = 0;
  while (ns > 2 ** (10 + k) + 2 ** (3 + k) - 1) k++;
  return k;
}

function bucketMicros(k: number): number {
  return Math.floor((2 ** (10 + k) + 2 ** (3 + k) - 1) / 1000);
}

function addSample(node: RedisNode, event: string, ms: number): void {
  const s = state(node);
  let series = s.events.get(event);
  if (!series) {
    series = { samples: [], max: 0 };
    s.events.set(event, series);
  }
  const time = Math.floor(node.clock.now() / 1000);
  const last = series.samples[series.samples.length - 1];
  if (last && last.time === time) last.latency = Math.max(last.latency, ms);
  else {
    series.samples.push({ time, latency: ms });
    if (series.samples.length > HISTORY_LEN) series.samples.shift();
  }
  if (ms > series.max) series.max = ms;
}

callObservers.push((node, c, r, _args, usec) => {
  if (c.blockRequest && !c.noBlock) return;
  const s = state(node);
  const d = Math.max(usec, 0);
  // A command's first call since CONFIG RESETSTAT (or ever) starts a new histogram.
  let h = s.histograms.get(r.fullname);
  if (!h || node.stats.command(r.fullname).calls === 1) {
    h = { calls: 0, buckets: [] };
    s.histograms.set(r.fullname, h);
  }
  h.calls++;
  const k = bucketOf(d);
  h.buckets[k] = (h.buckets[k] ?? 0) + 1;
  const threshold = node.config.getInt('latency-monitor-threshold');
  if (threshold > 0) {
    const ms = Math.floor(d / 1000);
    if (ms >= threshold) addSample(node, r.spec.flags.includes('fast') ? 'fast-command' : 'command', ms);
  }
});

function latest(c: Client): void {
  const events = state(c.node).events;
  c.reply.arrayLen(events.size);
  for (const [name, series] of events) {
    const last = series.samples[series.samples.length - 1] as Sample;
    c.reply.arrayLen(4);
    c.reply.bulk(name);
    c.reply.int(last.time);
    c.reply.int(last.latency);
    c.reply.int(series.max);
  }
}

function history(c: Client, args: string[]): void {
  const series = state(c.node).events.get(args[2] as string);
  const samples = series?.samples ?? [];
  c.reply.arrayLen(samples.length);
  for (const s of samples) {
    c.reply.arrayLen(2);
    c.reply.int(s.time);
    c.reply.int(s.latency);
  }
}

function reset(c: Client, args: string[]): void {
  const events = state(c.node).events;
  if (args.length === 2) {
    const n = events.size;
    events.clear();
    c.reply.int(n);
    return;
  }
  let n = 0;
  for (let i = 2; i < args.length; i++) if (events.delete(args[i] as string)) n++;
  c.reply.int(n);
}

function graph(c: Client, args: string[]): void {
  const event = args[2] as string;
  const series = state(c.node).events.get(event);
  if (!series || series.samples.length === 0) throw new RedisError(`ERR No samples available for event '${event}'`);
  const last = series.samples[series.samples.length - 1] as Sample;
  const now = Math.floor(c.node.clock.now() / 1000);
  let text = `${event} - high ${series.max} ms, low ${Math.min(...series.samples.map((s) => s.latency))} ms (all time high ${series.max} ms)\n`;
  text += `${'-'.repeat(80)}\n`;
  for (const s of series.samples) text += `${now - s.time}s ${s.latency}ms\n`;
  void last;
  c.reply.verbatim(text);
}

const DISABLED =
  "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";

function doctor(c: Client): void {
  const events = state(c.node).events;
  if (events.size === 0 && c.node.config.getInt('latency-monitor-threshold') === 0) {
    c.reply.verbatim(DISABLED);
    return;
  }
  if (events.size === 0) {
    c.reply.verbatim(
      'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep a little longer.\n',
    );
    return;
  }
  let text = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  let i = 1;
  for (const [name, s] of events) {
    const avg = Math.floor(s.samples.reduce((a, x) => a + x.latency, 0) / s.samples.length);
    text += `${i++}. ${name}: ${s.samples.length} latency spikes (average ${avg}ms, mean deviation 0ms, period 0 sec). Worst all time event ${s.max}ms.\n`;
  }
  c.reply.verbatim(text);
}

function replyHistogram(c: Client, fullname: string, h: Histogram): void {
  c.reply.bulk(fullname);
  c.reply.mapLen(2);
  c.reply.bulk('calls');
  c.reply.int(h.calls);
  c.reply.bulk('histogram_usec');
  let n = 0;
  for (const b of h.buckets) if (b) n++;
  c.reply.mapLen(n);
  let cumulative = 0;
  for (let k = 0; k < h.buckets.length; k++) {
    const b = h.buckets[k];
    if (!b) continue;
    cumulative += b;
    c.reply.int(bucketMicros(k));
    c.reply.int(cumulative);
  }
}

function histogram(c: Client, args: string[]): void {
  const node = c.node;
  const hs = state(node).histograms;
  const live = (fullname: string): Histogram | undefined => {
    const h = hs.get(fullname);
    return h && (node.stats.commands.get(fullname)?.calls ?? 0) > 0 ? h : undefined;
  };
  const out: [string, Histogram][] = [];
  if (args.length === 2) {
    for (const fullname of hs.keys()) {
      const h = live(fullname);
      if (h) out.push([fullname, h]);
    }
  } else {
    for (let i = 2; i < args.length; i++) {
      const [top, sub, extra] = (args[i] as string).toLowerCase().split('|');
      const spec = extra === undefined && top !== undefined ? node.lookupCommand(top) : undefined;
      if (!spec) continue;
      if (sub !== undefined) {
        const s = spec.subcommands?.find((x) => x.name === sub);
        const h = s && live(`${spec.name}|${s.name}`);
        if (h) out.push([`${spec.name}|${sub}`, h]);
      } else if (spec.subcommands) {
        for (const s of spec.subcommands) {
          const h = live(`${spec.name}|${s.name}`);
          if (h) out.push([`${spec.name}|${s.name}`, h]);
        }
      } else {
        const h = live(spec.name);
        if (h) out.push([spec.name, h]);
      }
    }
  }
  c.reply.mapLen(out.length);
  for (const [name, h] of out) replyHistogram(c, name, h);
}

const HELP = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

const base = {
  flags: ['admin', 'noscript', 'loading', 'stale'],
  acl: ['admin', 'slow', 'dangerous'],
  group: 'server',
  since: '2.8.13',
} as const;
const special = ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'];

export const latencyCommands: CommandSpec[] = [
  {
    name: 'latency',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'server',
    since: '2.8.13',
    summary: 'A container for latency diagnostics commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...base,
        name: 'doctor',
        arity: 2,
        summary: 'Return a human readable latency analysis report.',
        complexity: 'O(1)',
        tips: special,
        handler: doctor,
      },
      {
        ...base,
        name: 'history',
        arity: 3,
        summary: 'Return timestamp-latency samples for the event.',
        complexity: 'O(1)',
        tips: special,
        handler: history,
      },
      {
        ...base,
        name: 'graph',
        arity: 3,
        summary: 'Return a latency graph for the event.',
        complexity: 'O(1)',
        tips: special,
        handler: graph,
      },
      {
        ...base,
        name: 'reset',
        arity: -2,
        summary: 'Reset latency data for one or more events.',
        complexity: 'O(1)',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: reset,
      },
      {
        ...base,
        name: 'histogram',
        arity: -2,
        since: '7.0.0',
        summary: 'Return the cumulative distribution of latencies of a subset of commands or all.',
        complexity: 'O(N) where N is the number of commands with latency information being retrieved.',
        tips: special,
        handler: histogram,
      },
      {
        ...base,
        name: 'latest',
        arity: 2,
        summary: 'Return the latest latency samples for all events.',
        complexity: 'O(1)',
        tips: special,
        handler: latest,
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow'],
        group: 'server',
        since: '2.8.13',
        summary: 'Show helpful text about the different subcommands.',
        complexity: 'O(1)',
        handler: (c) => replyHelp(c, 'LATENCY', HELP),
      },
    ],
  },
];
