/**
 * Which clients a fault applies to: every client, or one by id, name (CLIENT SETNAME) or address
 * ("ip:port" of the client's socket as CLIENT LIST's addr=, or "ip" for every client from it).
 * Matching is evaluated when a command arrives, so a name set after the fault still matches.
 */
import type { Client } from '../engine/client.js';
import { RedisError } from '../engine/errors.js';

export type ClientSelector = { all: true } | { id: number } | { name: string } | { addr: string };

export function matchesClient(sel: ClientSelector, c: Client): boolean {
  if ('all' in sel) return true;
  if ('id' in sel) return c.id === sel.id;
  if ('name' in sel) return c.name === sel.name;
  return matchesAddr(sel.addr, c.transport?.remoteAddress);
}

/** "ip:port" matches exactly; an address without a port matches every port of that ip. */
export function matchesAddr(want: string, addr: string | undefined): boolean {
  if (addr === undefined) return false;
  if (addr === want) return true;
  const colon = addr.lastIndexOf(':');
  return colon > 0 && addr.slice(0, colon) === want;
}

export function describeSelector(sel: ClientSelector): string {
  if ('all' in sel) return 'all';
  if ('id' in sel) return `id ${sel.id}`;
  if ('name' in sel) return `name ${sel.name}`;
  return `addr ${sel.addr}`;
}

/**
 * Parses a selector from the control command's arguments at `i`: ALL | ID <id> | NAME <name> |
 * ADDR <ip[:port]>. Returns the selector and the index after it.
 */
export function parseSelector(args: string[], i: number): [ClientSelector, number] {
  const kw = (args[i] ?? '').toUpperCase();
  if (kw === 'ALL') return [{ all: true }, i + 1];
  const v = args[i + 1];
  if (v === undefined || (kw !== 'ID' && kw !== 'NAME' && kw !== 'ADDR')) {
    throw new RedisError('ERR expected a client selector: ALL | ID <id> | NAME <name> | ADDR <ip[:port]>');
  }
  if (kw === 'ID') {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new RedisError('ERR client-id should be greater than 0');
    return [{ id: n }, i + 2];
  }
  return [kw === 'NAME' ? { name: v } : { addr: v }, i + 2];
}
