/**
 * The INFO text, as Redis 7.0's genRedisInfoString: sections "# Name" in a fixed order whatever
 * order they were asked in, one "field:value\r\n" per line, a blank line between sections.
 *
 * Section names are case-insensitive. No argument (or "default") gives server, clients, memory,
 * persistence, stats, replication, cpu, modules, errorstats, cluster, keyspace; "all" adds
 * commandstats and latencystats; "everything" is "all" plus module sections (there are none).
 * An unknown section gives an empty text.
 *
 * Times come from the node clock (server_time_usec, uptime, lru_clock, avg_ttl); memory and CPU
 * from the Node.js process (process.memoryUsage, process.cpuUsage), reported under Redis's field
 * names. Latencystats reports each command's mean latency for every percentile (no histogram).
 */
import { arch, release, totalmem, type } from 'node:os';
import { deadlinePassed } from './database.js';
import type { RedisNode } from './node.js';
import { persistenceState } from './persistence-state.js';

/** The script caches' sizes for INFO memory, supplied by the scripting layer (engine/ does not import it). */
export const scriptCacheInfo: {
  /** EVAL's script cache: number of scripts and evalScriptsMemory's bytes. */
  eval?: (node: RedisNode) => { scripts: number; bytes: number };
  /** The function libraries: counts and functionsMemoryOverhead's bytes. */
  functions?: (node: RedisNode) => { functions: number; libraries: number; bytes: number };
} = {};

/** BGREWRITEAOF count per node (INFO aof_rewrites; aof_last_rewrite_time_sec 0 once one ran). */
export const aofRewrites = new WeakMap<RedisNode, number>();

const DEFAULT_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'module_list',
  'errorstats',
  'cluster',
  'keyspace',
];

/** Redis's bytesToHuman: B, then K, M, G, T, P with two decimals. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let d = n;
  for (const u of units) {
    d /= 1024;
    if (d < 1024 || u === 'P') return `${d.toFixed(2)}${u}`;
  }
  return `${n}B`;
}

/** "%.2f" of a ratio, as Redis prints percentages and ratios. */
function f2(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '0.00';
}

/** "%ld.%06ld" of microseconds, as Redis prints rusage times. */
function secs6(us: number): string {
  const s = Math.floor(us / 1e6);
  return `${s}.${String(Math.floor(us - s * 1e6)).padStart(6, '0')}`;
}

function lines(title: string, fields: [string, string | number][]): string {
  let s = `# ${title}\r\n`;
  for (const [k, v] of fields) s += `${k}:${v}\r\n`;
  return s;
}

/** Replaces the characters INFO keeps out of names (":" "#" and newlines) with "_". */
function safe(s: string): string {
  return s.replace(/[#:\n\r]/g, '_');
}

/** Redis's run_id-like id derived from the node's run id (master_replid). */
export function replId(node: RedisNode): string {
  return (node as unknown as { replId?: string }).replId ?? node.runId.split('').reverse().join('');
}

function server(node: RedisNode): string {
  const now = node.clock.now();
  const uptime = Math.floor((now - node.startedAt) / 1000);
  const hz = node.config.get('hz');
  return lines('Server', [
    ['redis_version', node.version],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0000000000000000'],
    ['redis_mode', node.mode],
    ['os', `${type()} ${release()} ${arch() === 'x64' ? 'x86_64' : arch()}`],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', node.runId],
    ['tcp_port', node.config.get('port')],
    ['server_time_usec', Math.floor(now * 1000)],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', hz],
    ['configured_hz', hz],
    ['lru_clock', Math.floor(now / 1000) & ((1 << 24) - 1)],
    ['executable', process.argv[1] ?? ''],
    ['config_file', ''],
    ['io_threads_active', 0],
  ]);
}

function clients(node: RedisNode): string {
  return lines('Clients', [
    // Replicas' connections are not clients here (listLength(server.clients) - listLength(server.slaves)).
    ['connected_clients', [...node.clients.values()].filter((c) => c.replLink !== 'replica').length],
    ['cluster_connections', 0],
    ['maxclients', node.config.get('maxclients')],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0],
    ['blocked_clients', node.blocking.count],
    ['tracking_clients', node.tracking.clients],
    ['clients_in_timeout_table', node.blocking.count],
  ]);
}

function memory(node: RedisNode): string {
  const m = process.memoryUsage();
  // With a limit, the estimate eviction compares with maxmemory (engine/eviction.ts), as Redis's
  // used_memory is; without one, the process's heap.
  const used = node.eviction.limit > 0 ? node.eviction.used() : m.heapUsed + m.external;
  const peak = Math.max(used, (node as unknown as { peakMemory?: number }).peakMemory ?? 0);
  (node as unknown as { peakMemory?: number }).peakMemory = peak;
  const maxmemory = Number(node.config.get('maxmemory'));
  const total = totalmem();
  const evalCache = scriptCacheInfo.eval?.(node) ?? { scripts: 0, bytes: 0 };
  const fns = scriptCacheInfo.functions?.(node) ?? { functions: 0, libraries: 0, bytes: 0 };
  return lines('Memory', [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', m.rss],
    ['used_memory_rss_human', bytesToHuman(m.rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', `${f2((used / peak) * 100)}%`],
    ['used_memory_overhead', 0],
    ['used_memory_startup', 0],
    ['used_memory_dataset', used],
    ['used_memory_dataset_perc', '100.00%'],
    ['allocator_allocated', m.heapUsed],
    ['allocator_active', m.heapTotal],
    ['allocator_resident', m.rss],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    ['used_memory_lua', 0],
    ['used_memory_vm_eval', 0],
    ['used_memory_lua_human', '0B'],
    ['used_memory_scripts_eval', evalCache.bytes],
    ['number_of_cached_scripts', evalCache.scripts],
    ['number_of_functions', fns.functions],
    ['number_of_libraries', fns.libraries],
    ['used_memory_vm_functions', 0],
    ['used_memory_vm_total', 0],
    ['used_memory_vm_total_human', '0B'],
    ['used_memory_functions', fns.bytes],
    ['used_memory_scripts', evalCache.bytes + fns.bytes],
    ['used_memory_scripts_human', bytesToHuman(evalCache.bytes + fns.bytes)],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', node.config.get('maxmemory-policy')],
    ['allocator_frag_ratio', f2(m.heapTotal / Math.max(1, m.heapUsed))],
    ['allocator_frag_bytes', m.heapTotal - m.heapUsed],
    ['allocator_rss_ratio', f2(m.rss / Math.max(1, m.heapTotal))],
    ['allocator_rss_bytes', m.rss - m.heapTotal],
    ['rss_overhead_ratio', '1.00'],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', f2(m.rss / Math.max(1, used))],
    ['mem_fragmentation_bytes', m.rss - used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', 0],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', 'libc'],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ]);
}

function persistence(node: RedisNode): string {
  const p = persistenceState(node);
  const bgsaveSecs = p.bgsaveInProgress ? Math.floor((node.clock.now() - p.bgsaveStartedAt) / 1000) : -1;
  return lines('Persistence', [
    ['loading', 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', 0],
    ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', node.stats.dirty],
    ['rdb_bgsave_in_progress', p.bgsaveInProgress ? 1 : 0],
    ['rdb_last_save_time', node.lastSave],
    ['rdb_last_bgsave_status', p.lastBgsaveStatus],
    ['rdb_last_bgsave_time_sec', p.lastBgsaveTimeSec],
    ['rdb_current_bgsave_time_sec', bgsaveSecs],
    ['rdb_saves', p.saves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', p.lastLoadKeysExpired],
    ['rdb_last_load_keys_loaded', p.lastLoadKeysLoaded],
    ['aof_enabled', node.config.get('appendonly') === 'yes' ? 1 : 0],
    ['aof_rewrite_in_progress', 0],
    ['aof_rewrite_scheduled', 0],
    ['aof_last_rewrite_time_sec', aofRewrites.has(node) ? 0 : -1],
    ['aof_current_rewrite_time_sec', -1],
    ['aof_last_bgrewrite_status', 'ok'],
    ['aof_rewrites', aofRewrites.get(node) ?? 0],
    ['aof_rewrites_consecutive_failures', 0],
    ['aof_last_write_status', 'ok'],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ]);
}

function stats(node: RedisNode): string {
  const s = node.stats;
  const ps = node.pubsub;
  return lines('Stats', [
    ['total_connections_received', s.totalConnections],
    ['total_commands_processed', s.totalCommands],
    ['instantaneous_ops_per_sec', 0],
    ['total_net_input_bytes', s.netInputBytes],
    ['total_net_output_bytes', s.netOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', '0.00'],
    ['instantaneous_output_kbps', '0.00'],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', s.expiredKeys],
    ['expired_stale_perc', '0.00'],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', 0],
    ['evicted_keys', s.evictedKeys],
    ['evicted_clients', s.evictedClients],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', s.keyspaceHits],
    ['keyspace_misses', s.keyspaceMisses],
    ['pubsub_channels', ps.channels.size],
    ['pubsub_patterns', ps.patterns.size],
    ['pubsubshard_channels', ps.shardChannels.size],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', node.migrateCachedSockets],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', node.tracking.table.size],
    ['tracking_total_items', node.tracking.totalItems],
    ['tracking_total_prefixes', node.tracking.prefixes.size],
    ['unexpected_error_replies', 0],
    ['total_error_replies', s.totalErrorReplies],
    ['dump_payload_sanitizations', s.dumpPayloadSanitizations],
    ['total_reads_processed', s.totalCommands],
    ['total_writes_processed', s.totalCommands],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ]);
}

function replication(node: RedisNode): string {
  if (node.replication) return lines('Replication', node.replication.infoFields());
  const fields: [string, string | number][] = [['role', node.role]];
  if (node.role === 'slave') {
    const host = node.config.get('replicaof').split(' ');
    fields.push(
      ['master_host', host[0] ?? ''],
      ['master_port', host[1] ?? 0],
      ['master_link_status', 'up'],
      ['master_last_io_seconds_ago', 0],
      ['master_sync_in_progress', 0],
      ['slave_read_repl_offset', 0],
      ['slave_repl_offset', 0],
      ['slave_priority', node.config.get('replica-priority')],
      ['slave_read_only', node.config.get('replica-read-only') === 'yes' ? 1 : 0],
      ['replica_announced', node.config.get('replica-announced') === 'yes' ? 1 : 0],
    );
  }
  fields.push(
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', replId(node)],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', node.config.get('repl-backlog-size')],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  );
  return lines('Replication', fields);
}

function cpu(): string {
  const u = process.cpuUsage();
  const fields: [string, string][] = [
    ['used_cpu_sys', secs6(u.system)],
    ['used_cpu_user', secs6(u.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', secs6(u.system)],
    ['used_cpu_user_main_thread', secs6(u.user)],
  ];
  return lines('CPU', fields);
}

function commandstats(node: RedisNode): string {
  let s = '# Commandstats\r\n';
  for (const [name, st] of node.stats.commands) {
    if (!st.calls && !st.failedCalls && !st.rejectedCalls) continue;
    const per = st.calls === 0 ? 0 : st.usec / st.calls;
    s += `cmdstat_${safe(name)}:calls=${st.calls},usec=${st.usec},usec_per_call=${per.toFixed(2)},rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}\r\n`;
  }
  return s;
}

/**
 * Redis keeps an HDR histogram per command; redis-sim keeps only the total time, so every
 * percentile reports the mean latency of the command ("%.3f" microseconds).
 */
function latencystats(node: RedisNode): string {
  let s = '# Latencystats\r\n';
  if (node.config.get('latency-tracking') !== 'yes') return s;
  const pcts = node.config.get('latency-tracking-info-percentiles');
  const labels = pcts === '' ? [] : pcts.split(' ');
  for (const [name, st] of node.stats.commands) {
    if (!st.calls) continue;
    const mean = (st.usec / st.calls).toFixed(3);
    s += `latency_percentiles_usec_${safe(name)}:${labels.map((p) => `p${p}=${mean}`).join(',')}\r\n`;
  }
  return s;
}

function errorstats(node: RedisNode): string {
  let s = '# Errorstats\r\n';
  // Redis keeps errors in a radix tree: byte order.
  const codes = [...node.stats.errors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const code of codes) s += `errorstat_${safe(code)}:count=${node.stats.errors.get(code)}\r\n`;
  return s;
}

function keyspace(node: RedisNode): string {
  let s = '# Keyspace\r\n';
  const now = node.clock.now();
  for (let i = 0; i < node.databaseCount; i++) {
    const db = node.db(i);
    const keys = db.size;
    const expires = db.expires.size;
    if (!keys && !expires) continue;
    // Redis estimates avg_ttl by sampling in its expire cycle; here it is the exact mean of the
    // remaining TTLs (O(keys with a TTL), only when INFO keyspace is asked for).
    let sum = 0;
    let n = 0;
    for (const at of db.expires.values()) {
      if (!deadlinePassed(at, now)) {
        sum += at - now;
        n++;
      }
    }
    s += `db${i}:keys=${keys},expires=${expires},avg_ttl=${n ? Math.floor(sum / n) : 0}\r\n`;
  }
  return s;
}

/** The INFO text for INFO's arguments (section names, "default", "all", "everything"). */
export function genInfo(node: RedisNode, args: readonly string[]): string {
  const wanted = new Set<string>();
  let all = false;
  if (args.length === 0) for (const s of DEFAULT_SECTIONS) wanted.add(s);
  for (const a of args) {
    const l = a.toLowerCase();
    if (l === 'default') for (const s of DEFAULT_SECTIONS) wanted.add(s);
    else if (l === 'all' || l === 'everything') all = true;
    else wanted.add(l);
  }
  const want = (name: string) => all || wanted.has(name);
  const parts: string[] = [];
  if (want('server')) parts.push(server(node));
  if (want('clients')) parts.push(clients(node));
  if (want('memory')) parts.push(memory(node));
  if (want('persistence')) parts.push(persistence(node));
  if (want('stats')) parts.push(stats(node));
  if (want('replication')) parts.push(replication(node));
  if (want('cpu')) parts.push(cpu());
  if (all || wanted.has('module_list') || wanted.has('modules')) parts.push('# Modules\r\n');
  if (want('commandstats')) parts.push(commandstats(node));
  if (want('errorstats')) parts.push(errorstats(node));
  if (want('latencystats')) parts.push(latencystats(node));
  if (want('cluster')) parts.push(lines('Cluster', [['cluster_enabled', 0]]));
  if (want('keyspace')) parts.push(keyspace(node));
  return parts.join('\r\n');
}
