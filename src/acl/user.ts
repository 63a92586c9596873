/**
 * ACL users and selectors as Redis 7.0.15's acl.c keeps them.
 *
 * A user has flags (on/off, nopass, sanitize-payload/skip-sanitize-payload), password hashes
 * (SHA-256 hex, in the order added, no duplicates) and a list of selectors, the first being the
 * root selector (the rules written outside parentheses). A command is allowed when any selector
 * allows it (see permissions.ts).
 *
 * A selector has:
 * - a command bitmap over every command and subcommand id (table.ts), plus Redis's reserved
 *   "future commands" bit that only +@all / allcommands set (it decides whether the rules are
 *   described from +@all or from -@all), and the ALLCOMMANDS flag, cleared as soon as any bit is
 *   cleared;
 * - "first args" allowed for a command that has no subcommands (+select|0, deprecated in Redis);
 * - key patterns, each with read and/or write permission (~p is both, %R~p, %W~p), or ALLKEYS;
 * - channel patterns, or ALLCHANNELS (acl-pubsub-default decides what a new selector starts with).
 *
 * Rules are applied to a copy of the user and committed only when all of them are valid
 * (ACLStringSetUser), so a failing ACL SETUSER changes nothing.
 */
import { createHash } from 'node:crypto';
import { type AclCommand, type AclTable, aclLookup, categoryBit } from './table.js';

export const READ = 1;
export const WRITE = 2;
export const ALL_PERM = READ | WRITE;

export interface KeyPattern {
  pattern: string;
  flags: number;
}

/** ACLSetUser's errno values, turned into Redis's texts by setUserError(). */
export type AclErrno = 'ENOENT' | 'EINVAL' | 'EEXIST' | 'EISDIR' | 'ENODEV' | 'EBADMSG' | 'ECHILD' | 'EALREADY';

export class AclRuleError extends Error {
  constructor(readonly errno: AclErrno) {
    super(errno);
  }
}

/** ACLSetUserStringError. */
export function setUserError(errno: AclErrno): string {
  switch (errno) {
    case 'ENOENT':
      return 'Unknown command or category name in ACL';
    case 'EINVAL':
      return 'Syntax error';
    case 'EEXIST':
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    case 'EISDIR':
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
    case 'ENODEV':
      return 'The password you are trying to remove from the user does not exist';
    case 'EBADMSG':
      return 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
    case 'ECHILD':
      return 'Allowing first-arg of a subcommand is not supported';
    case 'EALREADY':
      return 'Duplicate user found. A user can only be defined once in config files';
  }
}

export function hashPassword(p: string): string {
  return createHash('sha256').update(p, 'latin1').digest('hex');
}

/** ACLStringHasSpaces: whitespace (C isspace) or NUL bytes. */
export function hasSpaces(s: string): boolean {
  return /[\t\n\v\f\r \0]/.test(s);
}

/** ACLCheckPasswordHash: 64 lowercase hex digits. */
function validHash(h: string): boolean {
  return /^[0-9a-f]{64}$/.test(h);
}

export class Selector {
  root: boolean;
  allKeys = false;
  allChannels: boolean;
  allCommands = false;
  /** The reserved bit +@all sets: the selector may run commands added later. */
  future = false;
  bits: Uint8Array;
  /** Command id → allowed first arguments (as typed, compared without case). */
  firstArgs: Map<number, string[]> | undefined;
  patterns: KeyPattern[] = [];
  channels: string[] = [];

  constructor(
    readonly table: AclTable,
    root: boolean,
    allChannelsDefault: boolean,
  ) {
    this.root = root;
    this.allChannels = allChannelsDefault;
    this.bits = new Uint8Array(table.all.length);
  }

  copy(): Selector {
    const s = new Selector(this.table, this.root, this.allChannels);
    s.allKeys = this.allKeys;
    s.allCommands = this.allCommands;
    s.future = this.future;
    s.bits = this.bits.slice();
    if (this.firstArgs) s.firstArgs = new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    s.patterns = this.patterns.map((p) => ({ ...p }));
    s.channels = [...this.channels];
    return s;
  }

  private setBit(id: number, on: boolean): void {
    this.bits[id] = on ? 1 : 0;
    if (!on) this.allCommands = false;
  }

  /** ACLChangeSelectorPerm: the command and, for a container, all its subcommands. */
  changePerm(cmd: AclCommand, allow: boolean): void {
    this.setBit(cmd.id, allow);
    this.firstArgs?.delete(cmd.id);
    for (const sub of cmd.subs ?? []) this.setBit(sub.id, allow);
  }

  /** +@cat / -@cat: every command and subcommand carrying the category bit. */
  changeCategory(bit: number, allow: boolean): void {
    for (const cmd of this.table.top) {
      if (cmd.cats & bit) this.changePerm(cmd, allow);
      for (const sub of cmd.subs ?? []) if (sub.cats & bit) this.changePerm(sub, allow);
    }
  }

  setAllCommands(allow: boolean): void {
    this.bits.fill(allow ? 1 : 0);
    this.future = allow;
    this.allCommands = allow;
    this.firstArgs = undefined;
  }

  /** ACLSetSelector: one rule; throws AclRuleError. */
  apply(op: string): void {
    const lower = op.toLowerCase();
    if (lower === 'allkeys' || op === '~*') {
      this.allKeys = true;
      this.patterns = [];
    } else if (lower === 'resetkeys') {
      this.allKeys = false;
      this.patterns = [];
    } else if (lower === 'allchannels' || op === '&*') {
      this.allChannels = true;
      this.channels = [];
    } else if (lower === 'resetchannels') {
      this.allChannels = false;
      this.channels = [];
    } else if (lower === 'allcommands' || lower === '+@all') {
      this.setAllCommands(true);
    } else if (lower === 'nocommands' || lower === '-@all') {
      this.setAllCommands(false);
    } else if (op[0] === '~' || op[0] === '%') {
      if (this.allKeys) throw new AclRuleError('EEXIST');
      let flags = 0;
      let offset = 1;
      if (op[0] === '%') {
        for (; offset < op.length; offset++) {
          const ch = (op[offset] as string).toUpperCase();
          if (ch === 'R' && !(flags & READ)) flags |= READ;
          else if (ch === 'W' && !(flags & WRITE)) flags |= WRITE;
          else if (op[offset] === '~') {
            offset++;
            break;
          } else throw new AclRuleError('EINVAL');
        }
      } else flags = ALL_PERM;
      // "%~p" (no permission letter) is refused by the 7.0.15 build this is compared with.
      if (flags === 0) throw new AclRuleError('EINVAL');
      const pattern = op.slice(offset);
      if (hasSpaces(pattern)) throw new AclRuleError('EINVAL');
      // The same pattern text again adds its permissions to the existing entry: "%R~a %W~a"
      // is one pattern "~a" (ACLListMatchKeyPattern compares the text only).
      const same = this.patterns.find((p) => p.pattern === pattern);
      if (same) same.flags |= flags;
      else this.patterns.push({ pattern, flags });
      this.allKeys = false;
    } else if (op[0] === '&') {
      if (this.allChannels) throw new AclRuleError('EISDIR');
      const pattern = op.slice(1);
      if (hasSpaces(pattern)) throw new AclRuleError('EINVAL');
      if (!this.channels.includes(pattern)) this.channels.push(pattern);
      this.allChannels = false;
    } else if (op[0] === '+' && op[1] !== '@') {
      const bar = op.lastIndexOf('|');
      if (bar < 0) {
        const cmd = aclLookup(this.table, op.slice(1));
        if (!cmd) throw new AclRuleError('ENOENT');
        this.changePerm(cmd, true);
        return;
      }
      const base = aclLookup(this.table, op.slice(1, bar));
      const sub = op.slice(bar + 1);
      if (!base) throw new AclRuleError('ENOENT');
      if (base.parent) throw new AclRuleError('ECHILD');
      if (sub === '') throw new AclRuleError('EINVAL');
      if (base.subs) {
        const cmd = aclLookup(this.table, op.slice(1));
        if (!cmd) throw new AclRuleError('ENOENT');
        this.changePerm(cmd, true);
      } else {
        // +select|0: a first argument allowed for an otherwise denied command (not deduplicated
        // by case: Redis keeps the first spelling).
        this.firstArgs ??= new Map();
        const list = this.firstArgs.get(base.id) ?? [];
        if (!list.some((a) => a.toLowerCase() === sub.toLowerCase())) list.push(sub);
        this.firstArgs.set(base.id, list);
      }
    } else if (op[0] === '-' && op[1] !== '@') {
      const cmd = aclLookup(this.table, op.slice(1));
      if (!cmd) throw new AclRuleError('ENOENT');
      this.changePerm(cmd, false);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const bit = categoryBit(op.slice(2));
      if (!bit) throw new AclRuleError('ENOENT');
      this.changeCategory(bit, op[0] === '+');
    } else throw new AclRuleError('EINVAL');
  }
}

/** ACLUserFlags, in Redis's order (GETUSER flags and ACL LIST). */
export interface UserFlags {
  enabled: boolean;
  disabled: boolean;
  nopass: boolean;
  skipSanitize: boolean;
  sanitize: boolean;
}

export class User {
  flags: UserFlags = { enabled: false, disabled: true, nopass: false, skipSanitize: false, sanitize: false };
  passwords: string[] = [];
  selectors: Selector[];
  /**
   * False only when the root selector allows every command, key and channel: then no check is
   * needed for any command (the default user's hot path). Recomputed after every change.
   */
  restricted = true;
  /** Set when the user was deleted or replaced (ACL LOAD): its clients are being closed. */
  dead = false;

  constructor(
    readonly name: string,
    readonly table: AclTable,
    private readonly allChannelsDefault: () => boolean,
  ) {
    this.selectors = [new Selector(table, true, allChannelsDefault())];
  }

  get root(): Selector {
    return this.selectors[0] as Selector;
  }

  /** A detached copy with the same rules (ACLCopyUser into a temporary user). */
  copy(name = this.name): User {
    const u = new User(name, this.table, this.allChannelsDefault);
    u.flags = { ...this.flags };
    u.passwords = [...this.passwords];
    u.selectors = this.selectors.map((s) => s.copy());
    u.refresh();
    return u;
  }

  /** Takes over another user's rules (ACLCopyUser(this, src)). */
  assign(src: User): void {
    this.flags = { ...src.flags };
    this.passwords = [...src.passwords];
    this.selectors = src.selectors.map((s) => s.copy());
    this.refresh();
  }

  refresh(): void {
    const r = this.root;
    this.restricted = !(r.allCommands && r.allKeys && r.allChannels);
  }

  /** ACLSetUser: one rule (selectors already merged); throws AclRuleError. */
  apply(op: string): void {
    this.applyRule(op);
    this.refresh();
  }

  private applyRule(op: string): void {
    if (op === '') return;
    const lower = op.toLowerCase();
    const f = this.flags;
    if (lower === 'on') {
      f.enabled = true;
      f.disabled = false;
    } else if (lower === 'off') {
      f.disabled = true;
      f.enabled = false;
    } else if (lower === 'skip-sanitize-payload') {
      f.skipSanitize = true;
      f.sanitize = false;
    } else if (lower === 'sanitize-payload') {
      f.skipSanitize = false;
      f.sanitize = true;
    } else if (lower === 'nopass') {
      f.nopass = true;
      this.passwords = [];
    } else if (lower === 'resetpass') {
      f.nopass = false;
      this.passwords = [];
    } else if (op[0] === '>' || op[0] === '#') {
      let hash: string;
      if (op[0] === '>') hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!validHash(hash)) throw new AclRuleError('EBADMSG');
      }
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      f.nopass = false;
    } else if (op[0] === '<' || op[0] === '!') {
      let hash: string;
      if (op[0] === '<') hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!validHash(hash)) throw new AclRuleError('EBADMSG');
      }
      const i = this.passwords.indexOf(hash);
      if (i < 0) throw new AclRuleError('ENODEV');
      this.passwords.splice(i, 1);
    } else if (op[0] === '(' && op[op.length - 1] === ')') {
      // A selector: its rules split as sdssplitargs would (spaces; quotes are not expected).
      const s = new Selector(this.table, false, this.allChannelsDefault());
      for (const rule of splitArgs(op.slice(1, -1))) s.apply(rule);
      this.selectors.push(s);
    } else if (lower === 'clearselectors') {
      this.selectors = [this.root];
    } else if (lower === 'reset') {
      this.applyRule('resetpass');
      this.applyRule('resetkeys');
      this.applyRule('resetchannels');
      if (this.allChannelsDefault()) this.applyRule('allchannels');
      this.applyRule('off');
      this.applyRule('sanitize-payload');
      this.applyRule('clearselectors');
      this.applyRule('-@all');
    } else this.root.apply(op);
  }
}

/**
 * sdssplitargs for a selector's inside: words separated by whitespace, "double quoted" (with
 * \n \r \t \b \a \\ \" \xHH escapes) or 'single quoted' words. An unbalanced quote fails the
 * selector with "Syntax error" (EINVAL).
 */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (ch: string | undefined) => ch !== undefined && /[ \n\r\t\f\v]/.test(ch);
  while (true) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    let done = false;
    while (!done) {
      const ch = line[i];
      if (inq) {
        if (ch === undefined) throw new AclRuleError('EINVAL');
        if (ch === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          cur += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (ch === '\\' && i + 1 < n) {
          i++;
          const e = line[i] as string;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (ch === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) throw new AclRuleError('EINVAL');
          done = true;
        } else cur += ch;
      } else if (insq) {
        if (ch === undefined) throw new AclRuleError('EINVAL');
        if (ch === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (ch === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) throw new AclRuleError('EINVAL');
          done = true;
        } else cur += ch;
      } else if (ch === undefined || isSpace(ch)) done = true;
      else if (ch === '"') inq = true;
      else if (ch === "'") insq = true;
      else cur += ch;
      if (i < n) i++;
    }
    out.push(cur);
  }
}

/**
 * ACLMergeSelectorArguments: an argument starting with "(" and not ending with ")" opens a
 * selector that runs until an argument ending with ")" (joined with spaces). Returns the merged
 * rules, or the index of the unmatched opening argument.
 */
export function mergeSelectorArgs(args: readonly string[]): string[] | number {
  const out: string[] = [];
  let open = -1;
  let sel = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j] as string;
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      sel = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      sel += ` ${op}`;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(sel);
      }
      continue;
    }
    out.push(op);
  }
  return open !== -1 ? open : out;
}
