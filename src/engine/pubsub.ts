/** Pub/sub registry: placeholder until pub/sub lands (issue 4). */
import type { Client } from './client.js';

export class PubSub {
  /** Publishes `message` on `channel`; returns the number of clients that received it. */
  publish(_channel: string, _message: string): number {
    return 0;
  }
  /** Drops every subscription of a client (disconnect, RESET). */
  unsubscribeAll(_c: Client): void {}
}
