import type { ChildProcess } from 'node:child_process';

export interface RedisServerOptions {
  /** Default: a free loopback port. */
  port?: number;
  /** Its working directory (dump.rdb loaded from there at start); default a fresh temporary one, removed by stop(). */
  dir?: string;
  /** Extra redis-server arguments, after the defaults (so they override them). */
  args?: readonly string[];
  /** How long to wait for it to accept connections (ms, default 5000). */
  startTimeoutMs?: number;
}

export interface RedisServerProcess {
  readonly port: number;
  readonly dir: string;
  readonly pid: number | undefined;
  readonly child: ChildProcess;
  /** SIGKILL, as a crash: the port refuses until restart(). */
  kill(): Promise<void>;
  /** Kills it if running, then starts it again on the same port and directory. */
  restart(): Promise<void>;
  /** SIGSTOP: nothing is read or answered; connections stay open. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** Kills it and removes its temporary directory (a given one is kept). */
  stop(): Promise<void>;
}

export function redisServerBin(): string;
export function haveRedisServer(): boolean;
export function freePort(): Promise<number>;
export function waitForPort(port: number, timeoutMs?: number): Promise<void>;
export function spawnRedisServer(opts?: RedisServerOptions): Promise<RedisServerProcess>;
