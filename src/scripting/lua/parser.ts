/**
 * Lua 5.1 parser: the full grammar (chunks, blocks, local/function declarations, closures with
 * upvalues, varargs, multiple assignment and returns, numeric and generic for, while, repeat,
 * if/elseif, break, method calls and definitions, table constructors) with Lua's operator
 * priorities. Scopes are resolved here: every local gets a unique JavaScript name.
 * Syntax errors use lparser.c's texts ("'=' expected near 'x'", "unexpected symbol near '<eof>'",
 * "'end' expected (to close 'function' at line 1) near '<eof>'").
 */
import type { Expr, FuncBody, LocalVar, Stat } from './ast.js';
import { LuaSyntaxError, type Token, tokenize } from './lexer.js';

/** Binary operator priorities {left, right} as lparser.c's priority table. */
const BINPRI: Record<string, [number, number]> = {
  '+': [6, 6],
  '-': [6, 6],
  '*': [7, 7],
  '/': [7, 7],
  '%': [7, 7],
  '^': [10, 9],
  '..': [5, 4],
  '==': [3, 3],
  '~=': [3, 3],
  '<': [3, 3],
  '<=': [3, 3],
  '>': [3, 3],
  '>=': [3, 3],
  and: [2, 2],
  or: [1, 1],
};
const UNARY_PRI = 8;

let uid = 0;

export function parse(src: string, chunk: string): FuncBody {
  return new Parser(tokenize(src, chunk), chunk).chunk();
}

class Parser {
  private p = 0;
  private scopes: Map<string, LocalVar>[] = [];
  private fn!: FuncBody;

  constructor(
    private readonly toks: Token[],
    private readonly chunkName: string,
  ) {}

  private get tok(): Token {
    return this.toks[this.p] as Token;
  }
  private tt(): string {
    return (this.toks[this.p] as Token).t;
  }
  private peek(): Token {
    return this.toks[this.p + 1] ?? (this.toks[this.toks.length - 1] as Token);
  }
  private next(): Token {
    const t = this.tok;
    if (this.p < this.toks.length - 1) this.p++;
    return t;
  }
  private error(msg: string, tok: Token = this.tok): never {
    throw new LuaSyntaxError(`${this.chunkName}:${tok.line}: ${msg} near '${tok.raw}'`);
  }
  private check(t: string): Token {
    if (this.tt() !== t) this.error(`'${t}' expected`);
    return this.next();
  }
  private checkMatch(what: string, who: string, line: number): void {
    if (this.tt() === what) {
      this.next();
      return;
    }
    if (line === this.tok.line) this.error(`'${what}' expected`);
    this.error(`'${what}' expected (to close '${who}' at line ${line})`);
  }
  private name(): string {
    if (this.tt() !== 'name') this.error('<name> expected');
    return this.next().v as string;
  }
  private accept(t: string): boolean {
    if (this.tt() === t) {
      this.next();
      return true;
    }
    return false;
  }

  // ---- scopes -----------------------------------------------------------------------------

  private declare(name: string): LocalVar {
    return { name, js: `$${name}_${++uid}`, fn: this.fn };
  }
  private activate(v: LocalVar): void {
    (this.scopes[this.scopes.length - 1] as Map<string, LocalVar>).set(v.name, v);
  }
  private resolve(name: string, line: number): Expr {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i]?.get(name);
      if (v) return { k: 'local', name, id: v };
    }
    return { k: 'global', name, line };
  }

  // ---- blocks -----------------------------------------------------------------------------

  chunk(): FuncBody {
    const f: FuncBody = { params: [], vararg: true, body: [], line: 0, name: 'main chunk' };
    this.fn = f;
    this.scopes.push(new Map());
    f.body = this.block();
    if (this.tt() !== 'eof') this.error("'<eof>' expected");
    this.scopes.pop();
    return f;
  }

  private blockFollow(): boolean {
    const t = this.tt();
    return t === 'else' || t === 'elseif' || t === 'end' || t === 'until' || t === 'eof';
  }

  /** A block in a new scope. */
  private block(): Stat[] {
    this.scopes.push(new Map());
    const out = this.statements();
    this.scopes.pop();
    return out;
  }

  private statements(): Stat[] {
    const out: Stat[] = [];
    while (!this.blockFollow()) {
      if (this.tt() === 'return') {
        this.next();
        const exprs = this.blockFollow() || this.tt() === ';' ? [] : this.exprList();
        this.accept(';');
        out.push({ k: 'return', exprs });
        if (!this.blockFollow()) this.error("'<eof>' expected");
        break;
      }
      if (this.tt() === 'break') {
        this.next();
        this.accept(';');
        out.push({ k: 'break' });
        if (!this.blockFollow()) this.error("'<eof>' expected");
        break;
      }
      out.push(this.statement());
      this.accept(';');
    }
    return out;
  }

  private statement(): Stat {
    const line = this.tok.line;
    switch (this.tt()) {
      case 'if': {
        this.next();
        const conds: Expr[] = [this.expr()];
        this.check('then');
        const blocks: Stat[][] = [this.block()];
        let orelse: Stat[] | undefined;
        for (;;) {
          if (this.tt() === 'elseif') {
            this.next();
            conds.push(this.expr());
            this.check('then');
            blocks.push(this.block());
          } else if (this.tt() === 'else') {
            this.next();
            orelse = this.block();
            this.checkMatch('end', 'if', line);
            break;
          } else {
            this.checkMatch('end', 'if', line);
            break;
          }
        }
        return { k: 'if', conds, blocks, orelse };
      }
      case 'while': {
        this.next();
        const cond = this.expr();
        this.check('do');
        const body = this.block();
        this.checkMatch('end', 'while', line);
        return { k: 'while', cond, body, line };
      }
      case 'do': {
        this.next();
        const body = this.block();
        this.checkMatch('end', 'do', line);
        return { k: 'do', body };
      }
      case 'for': {
        this.next();
        const n1 = this.name();
        if (this.tt() === '=') {
          this.next();
          const start = this.expr();
          this.check(',');
          const limit = this.expr();
          const step = this.accept(',') ? this.expr() : undefined;
          this.check('do');
          this.scopes.push(new Map());
          const v = this.declare(n1);
          this.activate(v);
          const body = this.block();
          this.scopes.pop();
          this.checkMatch('end', 'for', line);
          return { k: 'fornum', v, start, limit, step, body, line };
        }
        if (this.tt() === ',' || this.tt() === 'in') {
          const names = [n1];
          while (this.accept(',')) names.push(this.name());
          this.check('in');
          const exprs = this.exprList();
          this.check('do');
          this.scopes.push(new Map());
          const vars = names.map((nm) => this.declare(nm));
          for (const v of vars) this.activate(v);
          const body = this.block();
          this.scopes.pop();
          this.checkMatch('end', 'for', line);
          return { k: 'forin', vars, exprs, body, line };
        }
        return this.error("'=' or 'in' expected");
      }
      case 'repeat': {
        this.next();
        // The condition sees the body's locals.
        this.scopes.push(new Map());
        const body = this.statements();
        this.checkMatch('until', 'repeat', line);
        const cond = this.expr();
        this.scopes.pop();
        return { k: 'repeat', body, cond, line };
      }
      case 'function': {
        this.next();
        // funcname: Name {'.' Name} [':' Name]
        let target: Expr = this.resolve(this.name(), line);
        let fname = (target as { name: string }).name;
        let method = false;
        while (this.tt() === '.' || this.tt() === ':') {
          const isColon = this.tt() === ':';
          this.next();
          const key = this.name();
          fname = key;
          target = { k: 'index', obj: target, key: { k: 'str', v: key }, line };
          if (isColon) {
            method = true;
            break;
          }
        }
        const f = this.funcBody(method, line, fname);
        return { k: 'assign', targets: [target], exprs: [{ k: 'func', f }], line };
      }
      case 'local': {
        this.next();
        if (this.accept('function')) {
          const v = this.declare(this.name());
          this.activate(v);
          const f = this.funcBody(false, line, v.name);
          return { k: 'localfunc', v, f };
        }
        const names = [this.name()];
        while (this.accept(',')) names.push(this.name());
        const exprs = this.accept('=') ? this.exprList() : [];
        const vars = names.map((nm) => this.declare(nm));
        for (const v of vars) this.activate(v);
        return { k: 'local', vars, exprs, line };
      }
      default: {
        const e = this.suffixedExpr();
        if (this.tt() === '=' || this.tt() === ',') {
          const targets = [e];
          while (this.accept(',')) targets.push(this.suffixedExpr());
          for (const t of targets) if (t.k !== 'local' && t.k !== 'global' && t.k !== 'index') this.error('syntax error');
          const eqLine = this.tok.line;
          this.check('=');
          const exprs = this.exprList();
          return { k: 'assign', targets, exprs, line: eqLine };
        }
        if (e.k === 'call' || e.k === 'method') return { k: 'call', e };
        if (e.k === 'local' || e.k === 'global' || e.k === 'index') this.error("'=' expected");
        return this.error('syntax error');
      }
    }
  }

  private funcBody(method: boolean, line: number, name?: string): FuncBody {
    const outer = this.fn;
    const f: FuncBody = { params: [], vararg: false, body: [], line, name };
    this.fn = f;
    this.scopes.push(new Map());
    if (method) {
      const self = this.declare('self');
      f.params.push(self);
      this.activate(self);
    }
    this.check('(');
    if (this.tt() !== ')') {
      for (;;) {
        if (this.tt() === '...') {
          this.next();
          f.vararg = true;
          break;
        }
        if (this.tt() !== 'name') this.error('<name> expected');
        const v = this.declare(this.name());
        f.params.push(v);
        this.activate(v);
        if (!this.accept(',')) break;
      }
    }
    this.check(')');
    f.body = this.block();
    this.checkMatch('end', 'function', line);
    this.scopes.pop();
    this.fn = outer;
    return f;
  }

  // ---- expressions ------------------------------------------------------------------------

  private exprList(): Expr[] {
    const out = [this.expr()];
    while (this.accept(',')) out.push(this.expr());
    return out;
  }

  expr(limit = 0): Expr {
    let left: Expr;
    const t = this.tok;
    if (t.t === 'not' || t.t === '-' || t.t === '#') {
      this.next();
      const a = this.expr(UNARY_PRI);
      // Constant-fold negative numerals as Lua does.
      if (t.t === '-' && a.k === 'num') left = { k: 'num', v: -a.v };
      else left = { k: 'un', op: t.t, a, line: t.line };
    } else {
      left = this.simpleExpr();
    }
    for (;;) {
      const op = this.tt();
      const pri = BINPRI[op];
      if (!pri || pri[0] <= limit) break;
      const line = this.tok.line;
      this.next();
      const right = this.expr(pri[1]);
      if (op === 'and' || op === 'or') left = { k: op, a: left, b: right };
      else left = { k: 'bin', op, a: left, b: right, line };
    }
    return left;
  }

  private simpleExpr(): Expr {
    const t = this.tok;
    switch (t.t) {
      case 'number':
        this.next();
        return { k: 'num', v: t.v as number };
      case 'string':
        this.next();
        return { k: 'str', v: t.v as string };
      case 'nil':
        this.next();
        return { k: 'nil' };
      case 'true':
        this.next();
        return { k: 'true' };
      case 'false':
        this.next();
        return { k: 'false' };
      case '...':
        if (!this.fn.vararg) this.error("cannot use '...' outside a vararg function");
        this.next();
        return { k: 'vararg' };
      case '{':
        return this.table();
      case 'function':
        this.next();
        return { k: 'func', f: this.funcBody(false, t.line) };
      default:
        return this.suffixedExpr();
    }
  }

  private primaryExpr(): Expr {
    const t = this.tok;
    if (t.t === 'name') {
      this.next();
      return this.resolve(t.v as string, t.line);
    }
    if (t.t === '(') {
      this.next();
      const e = this.expr();
      this.checkMatch(')', '(', t.line);
      return { k: 'paren', e };
    }
    return this.error('unexpected symbol');
  }

  private suffixedExpr(): Expr {
    let e = this.primaryExpr();
    for (;;) {
      const t = this.tok;
      switch (t.t) {
        case '.': {
          this.next();
          const key = this.name();
          e = { k: 'index', obj: e, key: { k: 'str', v: key }, line: t.line };
          break;
        }
        case '[': {
          this.next();
          const key = this.expr();
          this.check(']');
          e = { k: 'index', obj: e, key, line: t.line };
          break;
        }
        case ':': {
          this.next();
          const name = this.name();
          const line = this.tok.line;
          const args = this.callArgs();
          e = { k: 'method', obj: e, name, args, line };
          break;
        }
        case '(':
        case 'string':
        case '{': {
          const line = t.line;
          const args = this.callArgs();
          e = { k: 'call', fn: e, args, line };
          break;
        }
        default:
          return e;
      }
    }
  }

  private callArgs(): Expr[] {
    const t = this.tok;
    if (t.t === 'string') {
      this.next();
      return [{ k: 'str', v: t.v as string }];
    }
    if (t.t === '{') return [this.table()];
    if (t.t !== '(') this.error('function arguments expected');
    this.next();
    if (this.tt() === ')') {
      this.next();
      return [];
    }
    const args = this.exprList();
    this.checkMatch(')', '(', t.line);
    return args;
  }

  private table(): Expr {
    const line = this.tok.line;
    this.check('{');
    const items: Expr[] = [];
    const fields: [Expr, Expr][] = [];
    while (this.tt() !== '}') {
      if (this.tt() === 'name' && this.peek().t === '=') {
        const k = this.next().v as string;
        this.next();
        fields.push([{ k: 'str', v: k }, this.expr()]);
      } else if (this.tt() === '[') {
        this.next();
        const k = this.expr();
        this.check(']');
        this.check('=');
        fields.push([k, this.expr()]);
      } else {
        items.push(this.expr());
      }
      if (!this.accept(',') && !this.accept(';')) break;
    }
    this.checkMatch('}', '{', line);
    return { k: 'table', items, fields, line };
  }
}
