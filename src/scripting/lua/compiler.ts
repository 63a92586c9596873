/**
 * Compiles a Lua 5.1 syntax tree to JavaScript source, then to a function with `new Function`.
 *
 * - Locals are JS `let` bindings (fresh per loop iteration, so closures capture as Lua's do);
 *   upvalues are plain JS closure captures.
 * - Every Lua function is a JS function taking its arguments positionally (varargs as a rest
 *   parameter) and returning an array of results.
 * - Arithmetic and comparisons on locals/literals get an inline number fast path; everything
 *   else goes through runtime helpers, which also implement metamethods and produce Lua's error
 *   messages with variable descriptions ("attempt to index local 't' (a nil value)").
 * - Each loop iteration and function entry decrements an instruction budget; when it runs out
 *   the runtime checks the script's elapsed time (the busy-reply-threshold guard).
 * - Coroutine mode, for chunks whose source mentions "coroutine": each function is a generator
 *   wrapped in an ordinary closure (cofn), calls are `yield*` delegations, and coroutine.yield is a
 *   JS `yield` (runtime.ts, lib-coroutine.ts). The generic for still calls its iterator as a plain
 *   function: in Lua 5.1 that call is a C boundary (OP_TFORLOOP uses luaD_call), so a yield from
 *   inside the iterator is an error there too.
 * - Sliced mode (scripts and function libraries): coroutine mode, plus a plain form of each
 *   function for native callers; a budget check whose tick asks for it yields SLICE, which the
 *   script's driver (scripting/engine.ts) answers by returning to the event loop.
 */
import type { Expr, FuncBody, Stat } from './ast.js';
import * as R from './runtime.js';

type Runtime = typeof R;

/** The helpers compiled code uses, passed in as locals of the generated factory. */
const HELPERS = [
  'index',
  'setindex',
  'c0',
  'c1',
  'c2',
  'c3',
  'cn',
  'mc',
  'add',
  'sub',
  'mul',
  'div',
  'mod',
  'pow',
  'unm',
  'concat',
  'len',
  'eq',
  'lt',
  'le',
  'truthy',
  'tnew',
  'forNum',
  'tick',
  'EMPTY',
  'S',
] as const;

/** The extra helpers of coroutine mode. */
const CO_HELPERS = ['gc0', 'gc1', 'gc2', 'gc3', 'gcn', 'gmc', 'cofn', 'SLICE'] as const;

const ARITH: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '^': 'pow' };
const INLINE_OP: Record<string, string> = { '+': '+', '-': '-', '*': '*', '/': '/' };

interface FnCtx {
  f: FuncBody;
  temps: number;
}

export interface CompileHooks {
  /** The builtin `next` and ipairs iterator: generic for loops call them directly. */
  next?: R.LuaFunction;
  inext?: R.LuaFunction;
  /** Compile in coroutine mode (the loader sets it when the source mentions "coroutine"). */
  coroutines?: boolean;
  /** Coroutine mode with a plain form for each function (see Compiler's `dual`). */
  sliced?: boolean;
  /** A chunk from loadstring/load: its line base (runtime.ts registerChunk), added to every line. */
  lineBase?: number;
}

export class Compiler {
  private fn!: FnCtx;

  /**
   * Coroutine mode: every function is a generator wrapped by cofn(), and calls are `yield*`
   * delegations to gc0..gcn/gmc (see runtime.ts). Chunks that never mention "coroutine" are
   * compiled without it, so ordinary scripts run plain JS calls.
   */
  constructor(
    private co = false,
    /**
     * Sliced mode (scripts and functions, see scripting/engine.ts): coroutine mode where each
     * function also gets a plain form, which is what native callers (a gsub callback, a sort
     * comparator, a metamethod, an iterator) run: at full speed, as no slice can end there anyway.
     * Functions created by plain code are plain only.
     */
    private readonly dual = false,
  ) {}

  compileChunk(main: FuncBody): string {
    return `return ${this.func(main)};`;
  }

  private temp(): string {
    return `$t${this.fn.temps++}`;
  }

  private func(f: FuncBody): string {
    const outer = this.fn;
    this.fn = { f, temps: 0 };
    const params = f.params.map((p) => p.js);
    if (f.vararg) params.push('...va');
    const body = this.block(f.body);
    const temps = this.fn.temps;
    this.fn = outer;
    let decl = '';
    if (temps > 0) decl = `let ${Array.from({ length: temps }, (_, i) => `$t${i}`).join(',')};`;
    const code = `(${params.join(',')}){${decl}${this.budget('')}${body}return EMPTY;}`;
    if (!this.co) return `function${code}`;
    if (!this.dual) return `cofn(function*${code})`;
    this.co = false;
    const plain = this.func(f);
    this.co = true;
    return `cofn(function*${code},${plain})`;
  }

  /**
   * The budget check at a function's entry and each loop iteration. In coroutine mode a check
   * whose tick asks for it ends the slice: the generator yields SLICE up to the script's driver
   * (a C boundary on the way resumes it at once, see runtime.ts).
   */
  private budget(line: string): string {
    return this.co ? `if(--S.B<0&&tick(${line}))yield SLICE;` : `if(--S.B<0)tick(${line});`;
  }

  private block(stats: Stat[]): string {
    let out = '';
    for (const s of stats) out += this.stat(s);
    return out;
  }

  // ---- descriptions for error messages ---------------------------------------------------------

  private desc(e: Expr): string | undefined {
    switch (e.k) {
      case 'local':
        return e.id.fn === this.fn.f ? `local '${e.name}'` : `upvalue '${e.name}'`;
      case 'global':
        return `global '${e.name}'`;
      case 'index':
        return e.key.k === 'str' ? `field '${e.key.v}'` : undefined;
      case 'method':
        return `method '${e.name}'`;
      case 'paren':
        // (f)() loads f into the same register: Lua names it as f.
        return this.desc(e.e);
      default:
        return undefined;
    }
  }

  private descArg(e: Expr): string {
    const d = this.desc(e);
    return d === undefined ? 'undefined' : JSON.stringify(d);
  }

  // ---- expressions ----------------------------------------------------------------------------

  private isSimple(e: Expr): boolean {
    return e.k === 'local' || e.k === 'num';
  }

  /** A JS expression yielding one Lua value. */
  expr(e: Expr): string {
    switch (e.k) {
      case 'nil':
        return 'undefined';
      case 'true':
        return 'true';
      case 'false':
        return 'false';
      case 'num':
        return numLit(e.v);
      case 'str':
        return JSON.stringify(e.v);
      case 'vararg':
        return 'va[0]';
      case 'func':
        return `(${this.func(e.f)})`;
      case 'local':
        return e.id.js;
      case 'global':
        return `(G.getStr(${JSON.stringify(e.name)})??index(G,${JSON.stringify(e.name)},${e.line},${JSON.stringify(`global '${e.name}'`)}))`;
      case 'index':
        return `index(${this.expr(e.obj)},${this.expr(e.key)},${e.line},${this.descArg(e.obj)})`;
      case 'call':
      case 'method':
        return `${this.callExpr(e)}[0]`;
      case 'paren':
        return this.expr(e.e);
      case 'and': {
        const t = this.temp();
        return `((${t}=${this.expr(e.a)})===undefined||${t}===false?${t}:${this.expr(e.b)})`;
      }
      case 'or': {
        const t = this.temp();
        return `((${t}=${this.expr(e.a)})!==undefined&&${t}!==false?${t}:${this.expr(e.b)})`;
      }
      case 'un':
        if (e.op === 'not') return `!${this.cond(e.a)}`;
        if (e.op === '-') {
          if (e.a.k === 'local') return `(typeof ${e.a.id.js}==='number'?-${e.a.id.js}:unm(${e.a.id.js},${e.line},${this.descArg(e.a)}))`;
          return `unm(${this.expr(e.a)},${e.line},${this.descArg(e.a)})`;
        }
        return `len(${this.expr(e.a)},${e.line},${this.descArg(e.a)})`;
      case 'bin':
        return this.binary(e);
      case 'table':
        return this.table(e);
    }
  }

  private binary(e: Extract<Expr, { k: 'bin' }>): string {
    const { op, a, b, line } = e;
    const arith = ARITH[op];
    if (arith) {
      const inl = INLINE_OP[op];
      if (inl && this.isSimple(a) && this.isSimple(b)) {
        const x = this.expr(a);
        const y = this.expr(b);
        const checks = [a, b].filter((z) => z.k !== 'num').map((z) => `typeof ${this.expr(z)}==='number'`);
        // Two literals: computed at run time, so 0/0 is the hardware's (negative) NaN as in Lua.
        if (checks.length === 0) return `${arith}(${x},${y},${line})`;
        return `(${checks.join('&&')}?${x}${inl}${y}:${arith}(${x},${y},${line},${this.descArg(a)},${this.descArg(b)}))`;
      }
      return `${arith}(${this.expr(a)},${this.expr(b)},${line},${this.descArg(a)},${this.descArg(b)})`;
    }
    switch (op) {
      case '..':
        return `concat(${this.expr(a)},${this.expr(b)},${line},${this.descArg(a)},${this.descArg(b)})`;
      case '==':
      case '~=': {
        const neg = op === '~=' ? '!' : '';
        if (isPrimitiveLit(a) || isPrimitiveLit(b)) return `(${this.expr(a)}${neg ? '!==' : '==='}${this.expr(b)})`;
        return `${neg}eq(${this.expr(a)},${this.expr(b)})`;
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const swap = op === '>' || op === '>=';
        const fn = op === '<' || op === '>' ? 'lt' : 'le';
        const jsop = op;
        if (this.isSimple(a) && this.isSimple(b)) {
          const x = this.expr(a);
          const y = this.expr(b);
          const checks = [a, b].filter((z) => z.k !== 'num').map((z) => `typeof ${this.expr(z)}==='number'`);
          const slow = swap ? `${fn}(${y},${x},${line})` : `${fn}(${x},${y},${line})`;
          if (checks.length === 0) return `(${x}${jsop}${y})`;
          return `(${checks.join('&&')}?${x}${jsop}${y}:${slow})`;
        }
        if (!swap) return `${fn}(${this.expr(a)},${this.expr(b)},${line})`;
        // a > b is b < a, with a evaluated first.
        const t = this.temp();
        return `(${t}=${this.expr(a)},${fn}(${this.expr(b)},${t},${line}))`;
      }
    }
    throw new Error(`unknown operator ${op}`);
  }

  /** A JS boolean expression for a Lua condition. */
  cond(e: Expr): string {
    switch (e.k) {
      case 'true':
        return 'true';
      case 'false':
      case 'nil':
        return 'false';
      case 'un':
        if (e.op === 'not') return `!${this.cond(e.a)}`;
        break;
      case 'and':
        return `(${this.cond(e.a)}&&${this.cond(e.b)})`;
      case 'or':
        return `(${this.cond(e.a)}||${this.cond(e.b)})`;
      case 'paren':
        return this.cond(e.e);
      case 'bin':
        if (['==', '~=', '<', '<=', '>', '>='].includes(e.op)) return this.expr(e);
        break;
      case 'local':
        return `(${e.id.js}!==undefined&&${e.id.js}!==false)`;
    }
    return `truthy(${this.expr(e)})`;
  }

  /** A JS expression yielding an array of Lua values (a call or `...`). */
  private multi(e: Expr): string {
    if (e.k === 'call' || e.k === 'method') return this.callExpr(e);
    if (e.k === 'vararg') return 'va';
    return `[${this.expr(e)}]`;
  }

  private isMulti(e: Expr): boolean {
    return e.k === 'call' || e.k === 'method' || e.k === 'vararg';
  }

  /** A JS array expression for an expression list, the last one expanded. */
  explist(es: Expr[]): string {
    if (es.length === 0) return 'EMPTY';
    const last = es[es.length - 1] as Expr;
    if (es.length === 1 && this.isMulti(last)) return this.multi(last);
    const parts = es.slice(0, -1).map((x) => this.expr(x));
    parts.push(this.isMulti(last) ? `...${this.multi(last)}` : this.expr(last));
    return `[${parts.join(',')}]`;
  }

  private callExpr(e: Extract<Expr, { k: 'call' | 'method' }>): string {
    const c = this.callHelper(e);
    // Coroutine mode: the helpers are generators; a yield deep inside passes through.
    return this.co ? `(yield* g${c})` : c;
  }

  private callHelper(e: Extract<Expr, { k: 'call' | 'method' }>): string {
    if (e.k === 'method') {
      return `mc(${this.expr(e.obj)},${JSON.stringify(e.name)},${e.line},${this.explist(e.args)})`;
    }
    const f = this.expr(e.fn);
    const d = this.descArg(e.fn);
    const args = e.args;
    const lastMulti = args.length > 0 && this.isMulti(args[args.length - 1] as Expr);
    if (!lastMulti && args.length <= 3) {
      const a = args.map((x) => this.expr(x));
      return `c${args.length}(${[f, String(e.line), d, ...a].join(',')})`;
    }
    return `cn(${f},${e.line},${d},${this.explist(args)})`;
  }

  private table(e: Extract<Expr, { k: 'table' }>): string {
    const items = e.items.length > 0 ? this.explist(e.items) : 'undefined';
    const fields = e.fields.length > 0 ? `[${e.fields.map(([k, v]) => `${this.expr(k)},${this.expr(v)}`).join(',')}]` : 'undefined';
    // tnew may keep the items array: copy when it is a call's result (shared EMPTY / va).
    const itemsArg = e.items.length === 1 && this.isMulti(e.items[0] as Expr) ? `[...${items}]` : items;
    // Lua 5.1's OP_NEWTABLE presizes the array part for the positional items (a trailing call or
    // `...` not counted) and the hash part for the keyed fields: the sizes decide the layout, and
    // so the order `next` walks.
    const last = e.items[e.items.length - 1];
    const na = e.items.length - (last !== undefined && this.isMulti(last) ? 1 : 0);
    return `tnew(${itemsArg},${fields},${na},${e.fields.length})`;
  }

  // ---- statements -----------------------------------------------------------------------------

  private stat(s: Stat): string {
    switch (s.k) {
      case 'local':
        return this.localStat(s);
      case 'localfunc':
        return `let ${s.v.js};${s.v.js}=${this.func(s.f)};`;
      case 'assign':
        return this.assign(s);
      case 'call':
        return `${this.callExpr(s.e as Extract<Expr, { k: 'call' | 'method' }>)};`;
      case 'do':
        return `{${this.block(s.body)}}`;
      case 'while':
        return `while(${this.cond(s.cond)}){${this.budget(String(loopLine(s.body, s.line)))}${this.block(s.body)}}`;
      case 'repeat':
        return `for(;;){${this.budget(String(loopLine(s.body, s.line)))}${this.block(s.body)}if(${this.cond(s.cond)})break;}`;
      case 'if': {
        let out = '';
        s.conds.forEach((c, i) => {
          out += `${i > 0 ? 'else ' : ''}if(${this.cond(c)}){${this.block(s.blocks[i] as Stat[])}}`;
        });
        if (s.orelse) out += `else{${this.block(s.orelse)}}`;
        return out;
      }
      case 'fornum': {
        const st = this.temp();
        const lim = this.temp();
        const step = this.temp();
        const i = this.temp();
        let head = `${st}=forNum(${this.expr(s.start)},'initial value',${s.line});${lim}=forNum(${this.expr(s.limit)},'limit',${s.line});`;
        let cond: string;
        if (s.step === undefined || s.step.k === 'num') {
          const v = s.step === undefined ? 1 : (s.step as { v: number }).v;
          head += `${step}=${numLit(v)};`;
          cond = v > 0 ? `${i}<=${lim}` : v < 0 ? `${i}>=${lim}` : `${step}>0?${i}<=${lim}:${i}>=${lim}`;
        } else {
          head += `${step}=forNum(${this.expr(s.step)},'step',${s.line});`;
          cond = `${step}>0?${i}<=${lim}:${i}>=${lim}`;
        }
        return `${head}for(${i}=${st};${cond};${i}+=${step}){${this.budget(String(loopLine(s.body, s.line)))}let ${s.v.js}=${i};${this.block(s.body)}}`;
      }
      case 'forin': {
        const f = this.temp();
        const st = this.temp();
        const ctl = this.temp();
        const r = this.temp();
        const vars = s.vars;
        const init = `${r}=${this.explist(s.exprs)};${f}=${r}[0];${st}=${r}[1];${ctl}=${r}[2];`;
        const step =
          `${r}=${f}===NEXT&&${st} instanceof LuaTable?(${st}.next(${ctl})??EMPTY):` +
          `${f}===INEXT&&${st} instanceof LuaTable&&${st}.mt===undefined?((${r}=${st}.get(${ctl}+1))===undefined?EMPTY:[${ctl}+1,${r}]):` +
          `c2(${f},${s.line},undefined,${st},${ctl});`;
        const bind = vars.map((v, i) => `let ${v.js}=${r}[${i}];`).join('');
        return `${init}for(;;){${this.budget(String(loopLine(s.body, s.line)))}${step}if(${r}[0]===undefined)break;${ctl}=${r}[0];${bind}${this.block(s.body)}}`;
      }
      case 'return':
        return `return ${this.explist(s.exprs)};`;
      case 'break':
        return 'break;';
    }
  }

  private localStat(s: Extract<Stat, { k: 'local' }>): string {
    const { vars, exprs } = s;
    const last = exprs[exprs.length - 1];
    if (exprs.length === vars.length && (last === undefined || !this.isMulti(last) || true)) {
      if (exprs.length === 0) return '';
      return `let ${vars.map((v, i) => `${v.js}=${this.expr(exprs[i] as Expr)}`).join(',')};`;
    }
    if (exprs.length > vars.length) {
      const decl = `let ${vars.map((v, i) => `${v.js}=${this.expr(exprs[i] as Expr)}`).join(',')};`;
      const extra = exprs
        .slice(vars.length)
        .map((x) => `${this.expr(x)};`)
        .join('');
      return decl + extra;
    }
    // Fewer expressions than names: the last one expands (or the rest are nil).
    if (last !== undefined && this.isMulti(last)) {
      const r = this.temp();
      const fixed = exprs.slice(0, -1);
      let out = fixed.length > 0 ? `let ${fixed.map((x, i) => `${(vars[i] as { js: string }).js}=${this.expr(x)}`).join(',')};` : '';
      out += `${r}=${this.multi(last)};`;
      out += `let ${vars
        .slice(fixed.length)
        .map((v, i) => `${v.js}=${r}[${i}]`)
        .join(',')};`;
      return out;
    }
    return `let ${vars.map((v, i) => (i < exprs.length ? `${v.js}=${this.expr(exprs[i] as Expr)}` : v.js)).join(',')};`;
  }

  private setTarget(t: Expr, value: string, line: number): string {
    if (t.k === 'local') return `${t.id.js}=${value};`;
    if (t.k === 'global') return `setindex(G,${JSON.stringify(t.name)},${value},${line});`;
    if (t.k === 'index') return `setindex(${this.expr(t.obj)},${this.expr(t.key)},${value},${t.line},${this.descArg(t.obj)});`;
    throw new Error('bad assignment target');
  }

  private assign(s: Extract<Stat, { k: 'assign' }>): string {
    const { targets, exprs, line } = s;
    if (targets.length === 1 && exprs.length === 1) {
      const e = exprs[0] as Expr;
      return this.setTarget(targets[0] as Expr, this.expr(e), line);
    }
    let out = '';
    const vals: string[] = [];
    const last = exprs[exprs.length - 1] as Expr;
    if (exprs.length < targets.length && this.isMulti(last)) {
      for (const x of exprs.slice(0, -1)) {
        const t = this.temp();
        out += `${t}=${this.expr(x)};`;
        vals.push(t);
      }
      const r = this.temp();
      out += `${r}=${this.multi(last)};`;
      for (let i = vals.length; i < targets.length; i++) vals.push(`${r}[${i - (exprs.length - 1)}]`);
    } else {
      exprs.forEach((x, i) => {
        if (i < targets.length) {
          const t = this.temp();
          out += `${t}=${this.expr(x)};`;
          vals.push(t);
        } else {
          out += `${this.expr(x)};`;
        }
      });
      while (vals.length < targets.length) vals.push('undefined');
    }
    targets.forEach((t, i) => {
      out += this.setTarget(t, vals[i] as string, line);
    });
    return out;
  }
}

function numLit(v: number): string {
  if (Object.is(v, -0)) return '(-0)';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '(-Infinity)';
  if (Number.isNaN(v)) return 'NaN';
  return v < 0 ? `(${v})` : String(v);
}

function isPrimitiveLit(e: Expr): boolean {
  return e.k === 'num' || e.k === 'str' || e.k === 'nil' || e.k === 'true' || e.k === 'false';
}

/** The start of every function func() emits in plain mode (its parameters, temporaries, budget). */
const PLAIN_FUNCTION = /^function\((?:[$\w]+|\.\.\.va|,)*\)\{(?:let [$\w,]+;)?if\(--S\.B<0\)tick\(\);/;

/**
 * Whether `f` is a compiled Lua function rather than a library ("C") function, as
 * lua_iscfunction tells them apart for coroutine.create. A coroutine-mode closure carries its
 * generator form; a plain one is recognized by the source text func() gives it (V8 answers
 * toString with a slice of the generated script, not a copy of the body).
 */
export function isLuaFunction(f: R.LuaFunction): boolean {
  if ((f as R.CoFunction).g !== undefined) return true;
  return Object.hasOwn(f, 'prototype') && PLAIN_FUNCTION.test(Function.prototype.toString.call(f));
}

/** Compiles a parsed chunk into a callable Lua function bound to the globals table `G`. */
export function instantiate(main: FuncBody, G: R.LuaTable, hooks: CompileHooks): R.LuaFunction {
  if (hooks.lineBase) offsetLines(main, hooks.lineBase);
  const co = hooks.coroutines === true;
  const src = new Compiler(co, co && hooks.sliced === true).compileChunk(main);
  const helpers = co ? [...HELPERS, ...CO_HELPERS] : HELPERS;
  const factory = new Function('R', 'G', 'NEXT', 'INEXT', 'LuaTable', `const {${helpers.join(',')}}=R;${src}`) as (
    r: Runtime,
    g: R.LuaTable,
    n: unknown,
    i: unknown,
    lt: unknown,
  ) => R.LuaFunction;
  return factory(R, G, hooks.next, hooks.inext, R.LuaTable);
}

/**
 * The line a loop's budget check names (S.L when the budget runs out: the line SCRIPT KILL's
 * error reports): its body's first statement's, as Lua's count hook mostly fires inside the body,
 * or the loop's own line for a body with no line (empty, or starting with a block statement).
 */
function loopLine(body: Stat[], line: number): number {
  const s = body[0];
  if (s === undefined) return line;
  if ('line' in s) return s.line;
  if (s.k === 'call' && 'line' in s.e) return s.e.line;
  return line;
}

/** Adds a loaded chunk's line base to every line of its tree (positions then name the chunk). */
function offsetLines(node: unknown, base: number, seen = new Set<object>()): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const x of node) offsetLines(x, base, seen);
    return;
  }
  const o = node as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k === 'line' && typeof o[k] === 'number') o[k] = (o[k] as number) + base;
    else offsetLines(o[k], base, seen);
  }
}
