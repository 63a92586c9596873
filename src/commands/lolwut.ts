/**
 * LOLWUT [VERSION v] [args...], as Redis 7.0.15:
 * - VERSION v (an integer, cast to a C unsigned int) selects the art by the version string
 *   "v.0.0"; without it the server's own version decides. 5.x (and 4.9) draw Georg Nees's
 *   "Schotter"; 7.x and anything else reply only "Redis ver. <version>\n". The reply is verbatim
 *   text (RESP3 `=txt:`), a bulk string in RESP2.
 * - Schotter (LOLWUT VERSION 5 [cols [squares-per-row [squares-per-col]]], defaults 66 8 12,
 *   clamped to 1..1000 / 1..200 / 1..200): a grid of squares rendered as Braille characters
 *   (2x4 pixels each); from the third row on each square is rotated and shifted at random, as
 *   Redis does with rand(), so only grids of at most two rows are byte-identical to Redis.
 * - 6.x ("skyscrapers", also random) is not drawn: redis-sim replies an error saying so.
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { NOT_INTEGER, RedisError } from '../engine/errors.js';
import { parseInt64 } from '../protocol/numbers.js';

const f = Math.fround;

/** getLongFromObjectOrReply. */
function long(arg: string): bigint {
  const v = parseInt64(arg);
  if (v === null) throw new RedisError(NOT_INTEGER);
  return v;
}

class Canvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height);
  }
  set(x: number, y: number): void {
    if (x >= 0 && x < this.width && y >= 0 && y < this.height) this.pixels[x + y * this.width] = 1;
  }
  get(x: number, y: number): number {
    return x >= 0 && x < this.width && y >= 0 && y < this.height ? (this.pixels[x + y * this.width] as number) : 0;
  }
  /** Bresenham's line. */
  line(x1: number, y1: number, x2: number, y2: number): void {
    const dx = Math.abs(x2 - x1);
    const dy = Math.abs(y2 - y1);
    const sx = x1 < x2 ? 1 : -1;
    const sy = y1 < y2 ? 1 : -1;
    let err = dx - dy;
    for (;;) {
      this.set(x1, y1);
      if (x1 === x2 && y1 === y2) break;
      const e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x1 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y1 += sy;
      }
    }
  }
  /** A square centred at x,y: its corners lie on a circle, starting at 45° plus the rotation. */
  square(x: number, y: number, side: number, angle: number): void {
    // Redis divides by this truncated constant (not Math.SQRT2): kept for identical pixels.
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: Redis's own constant
    const size = f(Math.round(f(side / 1.4142135623)));
    const px: number[] = [];
    const py: number[] = [];
    let k = f(Math.PI / 4 + angle);
    for (let j = 0; j < 4; j++) {
      px.push(Math.round(Math.sin(k) * size + x));
      py.push(Math.round(Math.cos(k) * size + y));
      k = f(k + Math.PI / 2);
    }
    for (let j = 0; j < 4; j++) this.line(px[j] as number, py[j] as number, px[(j + 1) % 4] as number, py[(j + 1) % 4] as number);
  }
  /** Braille rendering: bits 0-2 and 6 are the left column top-down, 3-5 and 7 the right. */
  render(): string {
    let out = '';
    for (let y = 0; y < this.height; y += 4) {
      for (let x = 0; x < this.width; x += 2) {
        const byte =
          this.get(x, y) |
          (this.get(x, y + 1) << 1) |
          (this.get(x, y + 2) << 2) |
          (this.get(x + 1, y) << 3) |
          (this.get(x + 1, y + 1) << 4) |
          (this.get(x + 1, y + 2) << 5) |
          (this.get(x, y + 3) << 6) |
          (this.get(x + 1, y + 3) << 7);
        out += Buffer.from(String.fromCharCode(0x2800 + byte), 'utf8').toString('latin1');
      }
      if (y !== this.height - 1) out += '\n';
    }
    return out;
  }
}

function schotter(cols: number, perRow: number, perCol: number): Canvas {
  const width = cols * 2;
  const padding = width > 4 ? 2 : 0;
  const side = f((width - padding * 2) / perRow);
  const canvas = new Canvas(width, Math.trunc(f(f(side * perCol) + padding * 2)));
  const rnd = (y: number) => f(f(Math.random() / perCol) * y);
  for (let y = 0; y < perCol; y++) {
    for (let x = 0; x < perRow; x++) {
      let sx = Math.trunc(f(f(f(x * side) + f(side / 2)) + padding));
      let sy = Math.trunc(f(f(f(y * side) + f(side / 2)) + padding));
      let angle = 0;
      if (y > 1) {
        let r1 = rnd(y);
        let r2 = rnd(y);
        let r3 = rnd(y);
        if (Math.random() < 0.5) r1 = -r1;
        if (Math.random() < 0.5) r2 = -r2;
        if (Math.random() < 0.5) r3 = -r3;
        angle = r1;
        sx = Math.trunc(sx + f(f(r2 * side) / 3));
        sy = Math.trunc(sy + f(f(r3 * side) / 3));
      }
      canvas.square(sx, sy, side, angle);
    }
  }
  return canvas;
}

const clamp = (v: bigint, lo: number, hi: number) => Number(v < BigInt(lo) ? BigInt(lo) : v > BigInt(hi) ? BigInt(hi) : v);

function lolwut5(c: Client, args: string[], version: string): void {
  const cols = args.length > 0 ? long(args[0] as string) : 66n;
  const perRow = args.length > 1 ? long(args[1] as string) : 8n;
  const perCol = args.length > 2 ? long(args[2] as string) : 12n;
  const art = schotter(clamp(cols, 1, 1000), clamp(perRow, 1, 200), clamp(perCol, 1, 200)).render();
  c.reply.verbatim(`${art}\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ${version}\n`);
}

function lolwut(c: Client, args: string[]): void {
  let v = c.node.version;
  let rest = args.slice(1);
  if (args.length >= 3 && (args[1] as string).toLowerCase() === 'version') {
    v = `${BigInt.asUintN(32, long(args[2] as string))}.0.0`;
    rest = args.slice(3);
  }
  if ((v[0] === '5' && v[1] === '.' && v[2] !== '9') || (v[0] === '4' && v[1] === '.' && v[2] === '9')) {
    return lolwut5(c, rest, c.node.version);
  }
  if ((v[0] === '6' && v[1] === '.' && v[2] !== '9') || (v[0] === '5' && v[1] === '.' && v[2] === '9')) {
    throw new RedisError('ERR LOLWUT VERSION 6 (skyscrapers) is not drawn by redis-sim');
  }
  c.reply.verbatim(`Redis ver. ${c.node.version}\n`);
}

export const lolwutCommands: CommandSpec[] = [
  {
    name: 'lolwut',
    arity: -1,
    flags: ['readonly', 'fast'],
    acl: ['read', 'fast'],
    group: 'server',
    since: '5.0.0',
    summary: 'Display some computer art and the Redis version',
    handler: lolwut,
  },
];
