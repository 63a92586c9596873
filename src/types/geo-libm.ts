/**
 * sin, cos and asin rounded as glibc's libm rounds them, for the geo distances.
 *
 * Redis computes haversine distances with the C library's sin/cos/asin. glibc's results are the
 * correctly rounded ones (to within its ~0.5 ULP error bound), while V8's Math.sin/cos/asin (fdlibm)
 * differ from them in the last bit for a few percent of arguments: invisible in a 4-decimal
 * distance, but visible in STOREDIST scores ("%.17g"). So these evaluate in double-double
 * arithmetic (~106 bits) and round once: reduction by pi/2 in three parts, Taylor series on
 * [-pi/4, pi/4], and asin by one Newton step from Math.asin (through the half-angle identity near 1).
 * Arguments too large for the reduction (|x| > 2^20, only reached by absurd radii in the bounding
 * box) fall back to Math.
 */

type DD = [number, number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

function split(a: number): DD {
  const c = 134217729 * a;
  const hi = c - (c - a);
  return [hi, a - hi];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  const [s2, e2] = quickTwoSum(s, e + t);
  return quickTwoSum(s2, e2 + f);
}

function mul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

function divNum(a: DD, b: number): DD {
  const q1 = a[0] / b;
  const [p, e] = twoProd(q1, b);
  const r = a[0] - p - e + a[1];
  return quickTwoSum(q1, r / b);
}

/** 1/n! for n = 0..29 as double-doubles. */
const INV_FACT: DD[] = [[1, 0]];
for (let n = 1; n < 30; n++) INV_FACT.push(divNum(INV_FACT[n - 1] as DD, n));

/** pi/2 to 120 digits. */
const PIO2_DIGITS =
  '15707963267948966192313216916397514420985846996875529104874722961539082031431044993140174126710585339910740432566411533';

/**
 * pi/2 cut into four doubles: 33 + 33 + 53 + 53 bits of its binary expansion, so that k times each
 * of the first two is exact for |k| < 2^20.
 */
const [PIO2_1, PIO2_2, PIO2_3, PIO2_4] = (() => {
  const SHIFT = 200n;
  // floor(pi/2 * 2^200): the digits hold pi/2 * 10^(len-1).
  const scaled = (BigInt(PIO2_DIGITS) << SHIFT) / 10n ** BigInt(PIO2_DIGITS.length - 1);
  const total = scaled.toString(2).length; // 201: one integer bit
  const parts: number[] = [];
  let used = 0;
  for (const width of [33, 33, 53, 53]) {
    const rest = total - used - width;
    const chunk = (scaled >> BigInt(rest)) & ((1n << BigInt(width)) - 1n);
    // chunk * 2^(rest - 200): its value within pi/2.
    parts.push(Number(chunk) * 2 ** (rest - Number(SHIFT)));
    used += width;
  }
  return parts as [number, number, number, number];
})();

/** x - k*pi/2 as a double-double, for |k| < 2^20. */
function reduce(x: number, k: number): DD {
  // k*PIO2_1 and k*PIO2_2 are exact; x - k*PIO2_1 is exact when k is nearest to x/(pi/2).
  let r: DD = [x - k * PIO2_1, 0];
  r = add(r, [-k * PIO2_2, 0]);
  r = add(r, twoProd(-k, PIO2_3));
  return add(r, [-k * PIO2_4, 0]);
}

/**
 * sum over j of (-1)^j z^j / (2j+off)! for |z| <= (pi/4)^2: the terms from j = 4 on are below 4e-7
 * of the total, so they are summed in plain doubles (Horner); the first four in double-double.
 */
function series(z: DD, off: number): DD {
  const zd = z[0];
  let tail = 0;
  for (let j = 14; j >= 4; j--) tail = tail * zd + (j % 2 === 0 ? 1 : -1) * (INV_FACT[2 * j + off] as DD)[0];
  let p: DD = [tail, 0];
  for (let j = 3; j >= 0; j--) {
    const c = INV_FACT[2 * j + off] as DD;
    p = add(mul(p, z), j % 2 === 0 ? c : [-c[0], -c[1]]);
  }
  return p;
}

/** sin(r) for |r| <= pi/4 (a little more is fine): r times the odd series. */
function sinDD(r: DD): DD {
  return mul(r, series(mul(r, r), 1));
}

/** cos(r) for |r| <= pi/4: the even series. */
function cosDD(r: DD): DD {
  return series(mul(r, r), 0);
}

const TWO_OVER_PI = 2 / Math.PI;

/** sin(x) (cosine: shift = 1) as a double-double, or undefined when x is out of the reduction's range. */
function sinDDx(x: number, shift: 0 | 1): DD | undefined {
  if (!(Math.abs(x) < 2 ** 20)) return undefined;
  const k = Math.round(x * TWO_OVER_PI);
  const r = reduce(x, k);
  // sin(r + k pi/2), cos(r + k pi/2) = sin(r + (k+1) pi/2).
  const q = (((k + shift) % 4) + 4) % 4;
  const v = q % 2 === 0 ? sinDD(r) : cosDD(r);
  return q >= 2 ? [-v[0], -v[1]] : v;
}

/** sin(x), correctly rounded. */
export function sin(x: number): number {
  if (x === 0) return x;
  const v = sinDDx(x, 0);
  return v ? v[0] + v[1] : Math.sin(x);
}

/** cos(x), correctly rounded. */
export function cos(x: number): number {
  const v = sinDDx(x, 1);
  return v ? v[0] + v[1] : Math.cos(x);
}

/** asin(y) for |y| <= 0.5 as a double-double: one Newton step from Math.asin. */
function asinSmallDD(y: DD): DD {
  if (y[0] === 0) return [0, 0];
  const y0 = Math.asin(y[0]);
  // y1 = y0 - (sin(y0) - y) / cos(y0): the correction only needs double precision.
  const diff = add(sinDDx(y0, 0) as DD, [-y[0], -y[1]]);
  const corr = (diff[0] + diff[1]) / Math.cos(y0);
  return add([y0, 0], [-corr, 0]);
}

/** pi/2 as a double-double. */
const PIO2: DD = [1.5707963267948966, 6.123233995736766e-17];

/** sqrt(v) as a double-double. */
function sqrtDD(v: number): DD {
  const s = Math.sqrt(v);
  if (s === 0) return [0, 0];
  const [p, e] = twoProd(s, s);
  return quickTwoSum(s, (v - p - e) / (2 * s));
}

/**
 * asin(x), correctly rounded. Near ±1 asin is ill-conditioned, so for |x| > 0.5 it uses
 * asin(x) = pi/2 - 2 asin(sqrt((1 - x) / 2)), where 1 - x and the halving are exact.
 */
export function asin(x: number): number {
  if (Number.isNaN(x) || x > 1 || x < -1) return Number.NaN;
  if (x === 0) return x;
  const ax = Math.abs(x);
  let r: DD;
  if (ax <= 0.5) r = asinSmallDD([ax, 0]);
  else {
    const t = asinSmallDD(sqrtDD((1 - ax) / 2));
    r = add(PIO2, [-2 * t[0], -2 * t[1]]);
  }
  const v = r[0] + r[1];
  return x < 0 ? -v : v;
}
