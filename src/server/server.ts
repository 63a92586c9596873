/**
 * The TCP listener of a node: accepts connections and hands each to a Connection.
 */
import net from 'node:net';
import type { RedisNode } from '../engine/node.js';
import { faultsOf } from '../faults/faults.js';
import { Connection } from './connection.js';
import { FaultGate } from './fault-gate.js';

export interface ListenOptions {
  port: number;
  host: string;
}

export class Server {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private nextFd = 8;

  /** Socket-level faults (pause, partitions, latency, drops) of the node. */
  private readonly gate: FaultGate;

  constructor(node: RedisNode) {
    this.gate = new FaultGate(faultsOf(node));
    this.server = net.createServer((socket) => {
      const conn = new Connection(node, socket, this.nextFd++, (cn) => this.connections.delete(cn), this.gate);
      this.connections.add(conn);
      this.gate.attach(conn);
    });
  }

  listen(opts: ListenOptions): Promise<{ port: number; host: string }> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(opts.port, opts.host, () => {
        this.server.off('error', onError);
        const addr = this.server.address() as net.AddressInfo;
        resolve({ port: addr.port, host: addr.address });
      });
    });
  }

  /** Stops listening and closes every connection (with a TCP reset when `reset`: a killed node). */
  close(reset = false): Promise<void> {
    for (const c of this.connections) {
      if (reset) c.reset();
      else c.destroy();
    }
    this.connections.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  get connectionCount(): number {
    return this.connections.size;
  }
}
