// A bare Node RESP server: the floor for what Node itself costs per request (issue 17). It parses
// multibulk requests into latin1 string arguments, runs PING, SET, GET, INCR, LPUSH and LPOP
// (redis-benchmark's -t set,get,incr,lpush,lpop) on a Map, and writes the replies of one read in
// one socket write. No stats, no expiry, no error handling beyond what the benchmark needs: it is a
// yardstick for bench/cpu.mjs, not a server. Everything else answers -ERR.
//
// Run: `node bench/bare-node-server.mjs <port>` (port 0 picks one; the port is printed).
import net from 'node:net';

const store = new Map();

/** A list as a growable deque (head index into an array), enough for LPUSH/LPOP. */
class Deque {
  constructor() {
    this.items = [];
    this.head = 0;
  }
  get length() {
    return this.items.length - this.head;
  }
  unshift(v) {
    if (this.head === 0) {
      // Re-centre: room for as many pushes at the front as the list holds.
      const n = this.items.length;
      const grown = new Array(n + Math.max(16, n));
      const off = grown.length - n;
      for (let i = 0; i < n; i++) grown[off + i] = this.items[i];
      this.items = grown;
      this.head = off;
    }
    this.items[--this.head] = v;
  }
  shift() {
    const v = this.items[this.head];
    this.items[this.head++] = undefined;
    return v;
  }
}

function run(args) {
  const cmd = args[0].toLowerCase();
  switch (cmd) {
    case 'ping':
      return '+PONG\r\n';
    case 'set':
      store.set(args[1], args[2]);
      return '+OK\r\n';
    case 'get': {
      const v = store.get(args[1]);
      return v === undefined ? '$-1\r\n' : `$${v.length}\r\n${v}\r\n`;
    }
    case 'incr': {
      const n = Number(store.get(args[1]) ?? 0) + 1;
      store.set(args[1], String(n));
      return `:${n}\r\n`;
    }
    case 'lpush': {
      let l = store.get(args[1]);
      if (l === undefined) {
        l = new Deque();
        store.set(args[1], l);
      }
      for (let i = 2; i < args.length; i++) l.unshift(args[i]);
      return `:${l.length}\r\n`;
    }
    case 'lpop': {
      const l = store.get(args[1]);
      if (l === undefined) return '$-1\r\n';
      const v = l.shift();
      if (l.length === 0) store.delete(args[1]);
      return `$${v.length}\r\n${v}\r\n`;
    }
    case 'config':
      // redis-benchmark asks for "save" and "appendonly" at start.
      return '*0\r\n';
    default:
      return `-ERR unknown command '${args[0]}'\r\n`;
  }
}

/** Reads the decimal number from `from` up to the '\r' at `end`. */
function num(buf, from, end) {
  let v = 0;
  for (let i = from; i < end; i++) v = v * 10 + buf[i] - 48;
  return v;
}

function onConnection(socket) {
  socket.setNoDelay(true);
  let pending = null;
  socket.on('data', (chunk) => {
    const buf = pending === null ? chunk : Buffer.concat([pending, chunk]);
    let pos = 0;
    let out = '';
    const n = buf.length;
    for (;;) {
      // One complete multibulk request from `pos`, or stop and keep the rest.
      if (pos >= n) break;
      let cr = buf.indexOf(13, pos);
      if (cr < 0 || cr + 1 >= n) break;
      const count = num(buf, pos + 1, cr);
      let p = cr + 2;
      const args = new Array(count);
      let complete = true;
      for (let i = 0; i < count; i++) {
        cr = buf.indexOf(13, p);
        if (cr < 0 || cr + 1 >= n) {
          complete = false;
          break;
        }
        const len = num(buf, p + 1, cr);
        const start = cr + 2;
        if (start + len + 2 > n) {
          complete = false;
          break;
        }
        args[i] = buf.latin1Slice(start, start + len);
        p = start + len + 2;
      }
      if (!complete) break;
      pos = p;
      out += run(args);
    }
    pending = pos >= n ? null : buf.subarray(pos);
    if (out.length > 0) socket.write(out, 'latin1');
  });
  socket.on('error', () => {});
}

const server = net.createServer(onConnection);
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(server.address().port);
});
