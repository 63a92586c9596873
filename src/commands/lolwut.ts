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
 * - Skyscrapers (LOLWUT VERSION 6 [cols [rows]], defaults 80 20, each clamped to 1..1000): a
 *   white canvas, two passes of windowless background towers (light gray, then dark gray), then
 *   black foreground towers with two-pixel windows in random grays; each pixel is a space with
 *   ANSI foreground and background colors, rows joined by "\n". The towers' positions and sizes
 *   come from C's rand(), here glibc's random() algorithm seeded per node as Redis seeds it
 *   (time and pid): the layout is random like Redis's, and the same function of the draws.
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

/**
 * glibc's rand() (random() with its default TYPE_3 state: an additive feedback generator over 34
 * words seeded by a Lehmer generator, the first 310 outputs discarded).
 */
class GlibcRandom {
  private readonly r: number[] = [];
  constructor(seed: number) {
    const r = this.r;
    r[0] = seed | 0 || 1;
    for (let i = 1; i < 31; i++) {
      const prev = r[i - 1] as number;
      const hi = Math.trunc(prev / 127773);
      const lo = prev % 127773;
      let word = 16807 * lo - 2836 * hi;
      if (word < 0) word += 2147483647;
      r[i] = word;
    }
    for (let i = 31; i < 34; i++) r[i] = r[i - 31] as number;
    for (let i = 0; i < 310; i++) this.next();
  }
  next(): number {
    const r = this.r;
    const v = ((r[r.length - 31] as number) + (r[r.length - 3] as number)) | 0;
    r.push(v);
    if (r.length > 64) r.splice(0, r.length - 34);
    return v >>> 1;
  }
}

const randoms = new WeakMap<object, GlibcRandom>();

/** The node's rand(): seeded once, as Redis's main() seeds it with time(NULL) ^ getpid(). */
function rand(c: Client): number {
  let g = randoms.get(c.node);
  if (!g) {
    g = new GlibcRandom((Math.floor(Date.now() / 1000) ^ process.pid) >>> 0);
    randoms.set(c.node, g);
  }
  return g.next();
}

/** A tower of lolwut6.c: its left column, size, color and whether it has windows. */
interface Skyscraper {
  xoff: number;
  width: number;
  height: number;
  windows: boolean;
  color: number;
}

/** lwDrawPixel/lwGetPixel on a canvas of colors 0..3 (out-of-range pixels are ignored / 0). */
class ColorCanvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    bg: number,
  ) {
    this.pixels = new Uint8Array(width * height).fill(bg);
  }
  set(x: number, y: number, color: number): void {
    if (x >= 0 && x < this.width && y >= 0 && y < this.height) this.pixels[x + y * this.width] = color;
  }
  get(x: number, y: number): number {
    return x >= 0 && x < this.width && y >= 0 && y < this.height ? (this.pixels[x + y * this.width] as number) : 0;
  }
}

/** Draws one tower: the roof row is two pixels narrower on each side; windows need rand(). */
function skyscraper(c: Client, canvas: ColorCanvas, si: Skyscraper): void {
  const starty = canvas.height - 1;
  const endy = starty - si.height + 1;
  for (let y = starty; y >= endy; y--) {
    for (let x = si.xoff; x < si.xoff + si.width; x++) {
      if (y === endy && (x <= si.xoff + 1 || x >= si.xoff + si.width - 2)) continue;
      let color = si.color;
      if (si.windows && x > si.xoff + 1 && x < si.xoff + si.width - 2 && y > endy + 1 && y < starty - 1) {
        const relx = x - (si.xoff + 1);
        const rely = y - (endy + 1);
        // Windows two pixels wide, one tall; both pixels of a window share its color.
        if (Math.trunc(relx / 2) % 2 && rely % 2) {
          do color = 1 + (rand(c) % 2);
          while (color === si.color);
          if (relx % 2) color = canvas.get(x - 1, y);
        }
      }
      canvas.set(x, y, color);
    }
  }
}

/** C's `a % b` for the non-negative rand() values and int canvas sizes used here. */
const cmod = (a: number, b: number) => a % b;

function skyline(c: Client, canvas: ColorCanvas): void {
  const h = canvas.height;
  for (let color = 2; color >= 1; color--) {
    for (let offset = -10; offset < canvas.width; ) {
      offset += rand(c) % 8;
      const width = 10 + (rand(c) % 9);
      // rand()%canvas->height/2 parses as (rand() % height) / 2, in integers.
      const height =
        color === 2 ? Math.trunc(h / 2) + Math.trunc(cmod(rand(c), h) / 2) : Math.trunc(h / 2) + Math.trunc(cmod(rand(c), h) / 3);
      skyscraper(c, canvas, { xoff: offset, width, height, windows: false, color });
      offset += color === 2 ? Math.trunc(width / 2) : width + 1;
    }
  }
  for (let offset = -10; offset < canvas.width; ) {
    offset += rand(c) % 8;
    let width = 5 + (rand(c) % 14);
    if (width % 4) width += width % 3;
    const height = Math.trunc(h / 3) + Math.trunc(cmod(rand(c), h) / 2);
    skyscraper(c, canvas, { xoff: offset, width, height, windows: true, color: 0 });
    offset += width + 5;
  }
}

const COLOR_ESCAPES = ['0;30;40m', '0;90;100m', '0;37;47m', '0;97;107m'];

function lolwut6(c: Client, args: string[], version: string): void {
  const cols = clamp(args.length > 0 ? long(args[0] as string) : 80n, 1, 1000);
  const rows = clamp(args.length > 1 ? long(args[1] as string) : 20n, 1, 1000);
  const canvas = new ColorCanvas(cols, rows, 3);
  skyline(c, canvas);
  const lines: string[] = [];
  for (let y = 0; y < rows; y++) {
    let line = '';
    for (let x = 0; x < cols; x++) line += `\x1b[${COLOR_ESCAPES[canvas.get(x, y)] ?? '0;30;40m'} \x1b[0m`;
    lines.push(line);
  }
  c.reply.verbatim(
    `${lines.join('\n')}\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. Redis ver. ${version}\n`,
  );
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
    return lolwut6(c, rest, c.node.version);
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
