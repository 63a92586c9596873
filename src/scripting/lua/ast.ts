/**
 * The Lua 5.1 syntax tree the parser builds and the compiler turns into JavaScript.
 * Every node that can fail at run time carries its source line for "user_script:<line>:" messages.
 */

export type Expr =
  | { k: 'nil' }
  | { k: 'true' }
  | { k: 'false' }
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'vararg' }
  | { k: 'func'; f: FuncBody }
  | { k: 'local'; name: string; id: LocalVar }
  | { k: 'global'; name: string; line: number }
  | { k: 'index'; obj: Expr; key: Expr; line: number }
  | { k: 'call'; fn: Expr; args: Expr[]; line: number }
  | { k: 'method'; obj: Expr; name: string; args: Expr[]; line: number }
  | { k: 'bin'; op: string; a: Expr; b: Expr; line: number }
  | { k: 'un'; op: string; a: Expr; line: number }
  | { k: 'and' | 'or'; a: Expr; b: Expr }
  | { k: 'paren'; e: Expr }
  | { k: 'table'; items: Expr[]; fields: [Expr, Expr][]; line: number };

export interface LocalVar {
  name: string;
  /** Unique JavaScript identifier. */
  js: string;
  /** The function that declares it: a reference from another function makes it an upvalue. */
  fn: FuncBody;
}

export type Stat =
  | { k: 'local'; vars: LocalVar[]; exprs: Expr[]; line: number }
  | { k: 'localfunc'; v: LocalVar; f: FuncBody }
  | { k: 'assign'; targets: Expr[]; exprs: Expr[]; line: number }
  | { k: 'call'; e: Expr }
  | { k: 'do'; body: Stat[] }
  | { k: 'while'; cond: Expr; body: Stat[]; line: number }
  | { k: 'repeat'; body: Stat[]; cond: Expr; line: number }
  | { k: 'if'; conds: Expr[]; blocks: Stat[][]; orelse: Stat[] | undefined }
  | { k: 'fornum'; v: LocalVar; start: Expr; limit: Expr; step: Expr | undefined; body: Stat[]; line: number }
  | { k: 'forin'; vars: LocalVar[]; exprs: Expr[]; body: Stat[]; line: number }
  | { k: 'return'; exprs: Expr[] }
  | { k: 'break' };

export interface FuncBody {
  params: LocalVar[];
  vararg: boolean;
  body: Stat[];
  line: number;
  /** Name for messages ("function 'f'"), when known. */
  name?: string;
  /** Number of temporaries the compiler needs (set while compiling). */
  temps?: number;
}
