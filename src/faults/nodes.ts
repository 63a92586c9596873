/**
 * The nodes of this process, by port, so that the control command of any node can kill, restart
 * or list the others (a killed node cannot be reached to restart itself). A port identifies one
 * listener in the process as it does on the machine; RedisSim registers itself when it listens
 * and leaves when it stops.
 */
export interface NodeLifecycle {
  readonly port: number;
  readonly killed: boolean;
  readonly paused: boolean;
  /** With `restartAfter` (ms of real time), the node comes back by itself (a process restarted). */
  kill(opts?: { restartAfter?: number; keepData?: boolean }): Promise<void>;
  restart(opts?: { keepData?: boolean }): Promise<void>;
}

const byPort = new Map<number, NodeLifecycle>();

export function registerNode(n: NodeLifecycle): void {
  byPort.set(n.port, n);
}

export function unregisterNode(n: NodeLifecycle): void {
  if (byPort.get(n.port) === n) byPort.delete(n.port);
}

export function nodeByPort(port: number): NodeLifecycle | undefined {
  return byPort.get(port);
}

export function allNodes(): NodeLifecycle[] {
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}
