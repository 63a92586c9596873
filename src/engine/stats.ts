/** Counters INFO reports (stats, commandstats, errorstats). */
export interface CommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

export class Stats {
  totalConnections = 0;
  rejectedConnections = 0;
  totalCommands = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  expiredKeys = 0;
  evictedKeys = 0;
  /** Clients closed by client eviction (maxmemory-clients). */
  evictedClients = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  /** Changes since the last save (Redis's server.dirty): not reset by CONFIG RESETSTAT. */
  dirty = 0;
  pubsubChannels = 0;
  totalErrorReplies = 0;
  /** Listpacks, intsets and stream nodes validated deeply (sanitize-dump-payload; INFO dump_payload_sanitizations). */
  dumpPayloadSanitizations = 0;
  /** Time of the last RESETSTAT or of start, node clock. */
  resetAt = 0;
  readonly commands = new Map<string, CommandStat>();
  /** Error code (first word of the error) → count. */
  readonly errors = new Map<string, number>();

  command(fullname: string): CommandStat {
    let s = this.commands.get(fullname);
    if (!s) {
      s = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
      this.commands.set(fullname, s);
    }
    return s;
  }

  /** Counts an error reply by its code ("ERR", "WRONGTYPE", ...). */
  error(message: string): void {
    const sp = message.indexOf(' ');
    const code = sp < 0 ? message : message.slice(0, sp);
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    this.totalErrorReplies++;
  }

  reset(now: number): void {
    this.totalConnections = 0;
    this.rejectedConnections = 0;
    this.totalCommands = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.expiredKeys = 0;
    this.evictedKeys = 0;
    this.evictedClients = 0;
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
    this.totalErrorReplies = 0;
    this.dumpPayloadSanitizations = 0;
    // Zeroed in place: the command running RESETSTAT holds its entry and counts itself after it.
    for (const st of this.commands.values()) {
      st.calls = 0;
      st.usec = 0;
      st.rejectedCalls = 0;
      st.failedCalls = 0;
    }
    this.errors.clear();
    this.resetAt = now;
  }
}
