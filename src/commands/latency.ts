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
 * - GRAPH event: the "No samples available" error for an unknown event, else Redis's header and
 *   ASCII sparkline (sparkline.c's rendering, labels "Ns/Nm/Nh/Nd" ago on the node clock).
 * - DOCTOR: Redis's texts: monitoring disabled (threshold 0 and no events), no spike observed, or
 *   one analysis line per event and the advice "command"/"fast-command" call for (Redis's THP
 *   advice, which depends on the host, is never given).
 * - HISTOGRAM [command ...]: per-command call counts and a cumulative histogram of durations in
 *   Redis's buckets: bucket k (k >= 0) covers durations up to 2^(10+k) ns in hdr_histogram's
 *   2-significant-digit resolution and is reported as floor((2^(10+k) + 2^(3+k) - 1) / 1000) µs
 *   (1, 2, 4, 8, 16, 33, 66, 132, ...); only buckets where the cumulative count grows are listed.
 *   Durations are real measured time; commands run by scripts count as 0 µs (not timed). A
 *   container name lists its subcommands; unknown or never-called names are skipped. CONFIG
 *   RESETSTAT forgets a command's histogram (lazily: hidden until it runs again); with
 *   latency-tracking no the histograms stop being updated. A blocked command counts when served.
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
  /** latency-monitor-threshold and latency-tracking, kept current by config listeners (hot path). */
  threshold: number;
  tracking: boolean;
}

const states = new WeakMap<RedisNode, LatencyState>();
/** The last node asked about and its state (a process usually runs one node: no lookup per call). */
let lastNode: RedisNode | undefined;
let lastState: LatencyState | undefined;

function state(node: RedisNode): LatencyState {
  if (node === lastNode) return lastState as LatencyState;
  let s = states.get(node);
  if (!s) {
    const st: LatencyState = {
      events: new Map(),
      histograms: new Map(),
      threshold: node.config.getInt('latency-monitor-threshold'),
      tracking: node.config.get('latency-tracking') === 'yes',
    };
    node.config.onChange('latency-monitor-threshold', (v) => {
      st.threshold = Number(v);
    });
    node.config.onChange('latency-tracking', (v) => {
      st.tracking = v === 'yes';
    });
    states.set(node, st);
    s = st;
  }
  lastNode = node;
  lastState = s;
  return s;
}

/** Upper bound in ns of each bucket (see the file comment), up to durations far beyond any call. */
const BUCKET_BOUNDS = Array.from({ length: 64 }, (_, k) => 2 ** (10 + k) + 2 ** (3 + k) - 1);

/** The bucket a duration in µs falls in (see the file comment). */
function bucketOf(usec: number): number {
  const ns = usec * 1000;
  let k = 0;
  while (ns > (BUCKET_BOUNDS[k] as number)) k++;
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

callObservers.push((node, c, r, _args, usec, stat) => {
  if (c.blockRequest && !c.noBlock) return;
  const s = state(node);
  const d = Math.max(usec, 0);
  // latency-tracking no: Redis stops updating the histograms (they are kept).
  if (s.tracking) {
    // A command's first call since CONFIG RESETSTAT (or ever) starts a new histogram.
    let h = s.histograms.get(r.fullname);
    if (!h || stat.calls === 1) {
      h = { calls: 0, buckets: [] };
      s.histograms.set(r.fullname, h);
    }
    h.calls++;
    const k = bucketOf(d);
    h.buckets[k] = (h.buckets[k] ?? 0) + 1;
  }
  const threshold = s.threshold;
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
  // latencyResetEvent matches event names case-insensitively.
  let n = 0;
  for (let i = 2; i < args.length; i++) {
    const wanted = (args[i] as string).toLowerCase();
    for (const name of events.keys()) {
      if (name.toLowerCase() === wanted) {
        events.delete(name);
        n++;
      }
    }
  }
  c.reply.int(n);
}

/** The label of a sample: how long ago it was, as latencyCommandGenSparkeline prints it. */
function ago(elapsed: number): string {
  if (elapsed < 60) return `${elapsed}s`;
  if (elapsed < 3600) return `${Math.trunc(elapsed / 60)}m`;
  if (elapsed < 86400) return `${Math.trunc(elapsed / 3600)}h`;
  return `${Math.trunc(elapsed / 86400)}d`;
}

/**
 * Redis's sparkline (sparkline.c, SPARKLINE_FILL, 4 rows of "_o#" steps with '|' below the top,
 * one blank row, then each sample's label written vertically), in chunks of 80 columns.
 */
function sparkline(values: number[], labels: string[]): string {
  const rows = 4;
  const fill = '_o#';
  const steps = fill.length * rows;
  const min = Math.min(...values);
  const relmax = Math.max(...values) - min || 1;
  let out = '';
  for (let off = 0; off < values.length; off += 80) {
    if (off !== 0) out += '\n';
    const len = Math.min(80, values.length - off);
    const stepOf = (j: number) => Math.min(steps - 1, Math.max(0, Math.trunc((((values[off + j] as number) - min) * steps) / relmax)));
    for (let row = 0; ; row++) {
      let line = '';
      let more = false;
      if (row < rows) {
        more = true;
        for (let j = 0; j < len; j++) {
          const idx = stepOf(j) - (rows - row - 1) * fill.length;
          line += idx >= 0 && idx < fill.length ? fill[idx] : idx >= fill.length ? '|' : ' ';
        }
      } else if (row === rows) {
        more = true; // the margin above the labels
        line = ' '.repeat(len);
      } else {
        const at = row - rows - 1;
        for (let j = 0; j < len; j++) {
          const label = labels[off + j] as string;
          if (label.length > at) {
            more = true;
            line += label[at];
          } else line += ' ';
        }
      }
      if (!more) break;
      out += `${line}\n`;
    }
  }
  return out;
}

function graph(c: Client, args: string[]): void {
  const event = args[2] as string;
  const series = state(c.node).events.get(event);
  if (!series) throw new RedisError(`ERR No samples available for event '${event}'`);
  const now = Math.floor(c.node.clock.now() / 1000);
  const values = series.samples.map((x) => x.latency);
  const labels = series.samples.map((x) => ago(now - x.time));
  let text = `${event} - high ${Math.max(...values)} ms, low ${Math.min(...values)} ms (all time high ${series.max} ms)\n`;
  text += `${'-'.repeat(80)}\n`;
  text += sparkline(values, labels);
  c.reply.verbatim(text);
}

const DISABLED =
  "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";

/**
 * Redis's createLatencyReport for the events redis-sim records ("command", "fast-command"): one
 * line per event (samples, average, mean absolute deviation, period = seconds since the oldest
 * sample / samples), then the advice those events call for.
 */
function doctor(c: Client): void {
  const node = c.node;
  const events = state(node).events;
  const threshold = node.config.getInt('latency-monitor-threshold');
  if (events.size === 0 && threshold === 0) {
    c.reply.verbatim(DISABLED);
    return;
  }
  if (events.size === 0) {
    c.reply.verbatim(
      'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n',
    );
    return;
  }
  const now = Math.floor(node.clock.now() / 1000);
  const slower = node.config.getInt('slowlog-log-slower-than');
  const advise = { slowlogEnabled: false, slowlogTuning: false, inspect: false, scheduler: false };
  let text = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  let i = 0;
  for (const [name, s] of events) {
    const n = s.samples.length;
    const avg = Math.floor(s.samples.reduce((a, x) => a + x.latency, 0) / n);
    const mad = Math.floor(s.samples.reduce((a, x) => a + Math.abs(avg - x.latency), 0) / n);
    const period = Math.max(1, now - Math.min(...s.samples.map((x) => x.time)));
    text += `${++i}. ${name}: ${n} latency spikes (average ${avg}ms, mean deviation ${mad}ms, period ${(period / n).toFixed(2)} sec). Worst all time event ${s.max}ms.\n`;
    if (name === 'command') {
      if (slower < 0 || node.config.getInt('slowlog-max-len') === 0) advise.slowlogEnabled = true;
      else if (Math.trunc(slower / 1000) > threshold) advise.slowlogTuning = true;
      advise.inspect = true;
    } else if (name === 'fast-command') advise.scheduler = true;
  }
  text += '\nI have a few advices for you:\n\n';
  if (advise.slowlogEnabled) {
    text += `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${threshold * 1000}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
  }
  if (advise.slowlogTuning) {
    text += `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${threshold * 1000}'.\n`;
  }
  if (advise.inspect) {
    text +=
      '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
  }
  if (advise.scheduler) {
    text +=
      '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
      '  1) Lower the system load.\n' +
      '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
      '  3) Check if you have a "noisy neighbour" problem.\n' +
      "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
      '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n';
  }
  if (advise.inspect) {
    text +=
      '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
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
