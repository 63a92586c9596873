/**
 * Socket reads without the readable-stream layer, into one buffer every connection shares.
 *
 * By default Node allocates a fresh 64 KB buffer for each read of each socket, wraps it in a
 * Buffer and pushes it through the Readable stream machinery ('data' event, read-more ticks)
 * before the connection sees it. Node also has a way around that: net.Socket's `onread` option
 * (documented) reads into a buffer the caller owns and hands the byte count to a callback. Node
 * creates the sockets of accepted connections itself and takes no such option there, so this
 * installs the same three fields the option sets (the socket's own `kBuffer`, `kBufferCb` and
 * `kBufferGen` symbols, found by their descriptions) and calls the handle's `useUserBuffer`,
 * exactly what the option does in the Socket constructor. If any of them is missing (another
 * Node version) nothing is installed and the caller keeps the 'data' event.
 *
 * One buffer serves every connection of the process: a read's callback runs to completion before
 * the next read, so the connection parses what arrived at once and copies only what it must keep
 * (RequestParser.retain: an incomplete command, the commands behind a blocked one). 'end',
 * 'error' and 'close' are emitted as usual.
 */
import type { Socket } from 'node:net';

/** Bytes per read: Node's default read size. */
const READ_SIZE = 64 * 1024;

interface OnreadFields {
  kBuffer: symbol;
  kBufferCb: symbol;
  kBufferGen: symbol;
}

/** The fields, once found (null: this Node has other internals, never look again). */
let fields: OnreadFields | null | undefined;
let shared: Buffer | undefined;

/** Off: connections made from now on use the 'data' event (tests of that path). */
export const sharedReads = { enabled: true };

function onreadFields(socket: Socket): OnreadFields | null {
  if (fields !== undefined) return fields;
  const byName = new Map<string, symbol>();
  for (const s of Object.getOwnPropertySymbols(socket)) if (s.description) byName.set(s.description, s);
  const kBuffer = byName.get('kBuffer');
  const kBufferCb = byName.get('kBufferCb');
  const kBufferGen = byName.get('kBufferGen');
  fields = kBuffer && kBufferCb && kBufferGen ? { kBuffer, kBufferCb, kBufferGen } : null;
  return fields;
}

/**
 * Makes `socket` read into the shared buffer and call `onRead` with each chunk read (a view of
 * the shared buffer, valid until `onRead` returns). Returns the shared buffer's memory (for
 * RequestParser.retain), or undefined when this Node cannot: then nothing changed.
 */
export function readIntoSharedBuffer(socket: Socket, onRead: (chunk: Buffer) => void): ArrayBufferLike | undefined {
  if (!sharedReads.enabled) return undefined;
  const f = onreadFields(socket);
  const handle = (socket as unknown as { _handle?: { useUserBuffer?: (buf: Uint8Array) => void } })._handle;
  if (f === null || typeof handle?.useUserBuffer !== 'function') return undefined;
  const slots = socket as unknown as Record<symbol, unknown>;
  // A socket whose onread is already set (or that has other fields under these names): leave it.
  if (slots[f.kBuffer] !== null || slots[f.kBufferCb] !== null || slots[f.kBufferGen] !== null) return undefined;
  // Its own memory (not Buffer's shared pool), so a view of it is recognised by its ArrayBuffer.
  shared ??= Buffer.allocUnsafeSlow(READ_SIZE);
  const buf = shared;
  slots[f.kBuffer] = buf;
  slots[f.kBufferCb] = (nread: number) => {
    onRead(buf.subarray(0, nread));
  };
  handle.useUserBuffer(buf);
  return buf.buffer;
}

/** Whether this Node has the fields shared reads need (undefined until a connection was made). */
export function sharedReadsAvailable(): boolean | undefined {
  return fields === undefined ? undefined : fields !== null;
}
