/**
 * redis.conf reading, as redis-server does it (config.c's loadServerConfigFromString and
 * server.c's main): the command line `[/path/to/redis.conf] [--name value ...]` becomes the
 * file's text, a newline, then one line per `--name` with its arguments quoted (sdscatrepr), and
 * the whole is read line by line. A line is split into words as sdssplitargs does ("..." with
 * \n \r \t \b \a \" \\ \xHH escapes, '...' with \' only, a closing quote must end the word);
 * `#` lines and blank lines are skipped; the directive name is case-insensitive; `include` reads
 * another file in place. An error stops the start with redis-server's report:
 *
 *   *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
 *   Reading the configuration file, at line 2
 *   >>> 'prot "7002"'
 *   Bad directive or wrong number of arguments
 */
import { readFileSync } from 'node:fs';

export interface Directive {
  /** The directive name, lowercase, then its arguments. */
  name: string;
  args: string[];
  /** The line as written (trimmed), and its number, for error reports. */
  text: string;
  line: number;
}

/** A configuration error, reported as redis-server's FATAL CONFIG FILE ERROR block. */
export class ConfigFileError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly text: string,
  ) {
    super(reason);
  }

  /** redis-server's report (to stderr, then exit 1). */
  report(version: string): string {
    return `\n*** FATAL CONFIG FILE ERROR (Redis ${version}) ***\nReading the configuration file, at line ${this.line}\n>>> '${this.text}'\n${this.reason}\n`;
  }
}

const SPACE = /[ \t\n\v\f\r]/;
const HEX = /^[0-9a-fA-F]{2}$/;

/** sdssplitargs: the words of a line, or null on unbalanced quotes. */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && SPACE.test(line[i] as string)) i++;
    if (i >= line.length) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    for (;;) {
      const ch = line[i];
      if (inq) {
        if (ch === undefined) return null;
        if (ch === '\\' && line[i + 1] === 'x' && HEX.test(line.slice(i + 2, i + 4))) {
          cur += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (ch === '\\' && i + 1 < line.length) {
          const e = line[++i] as string;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (ch === '"') {
          // The closing quote must be followed by a space or the end.
          if (i + 1 < line.length && !SPACE.test(line[i + 1] as string)) return null;
          i++;
          break;
        } else cur += ch;
      } else if (insq) {
        if (ch === undefined) return null;
        if (ch === '\\' && line[i + 1] === "'") {
          cur += "'";
          i++;
        } else if (ch === "'") {
          if (i + 1 < line.length && !SPACE.test(line[i + 1] as string)) return null;
          i++;
          break;
        } else cur += ch;
      } else {
        if (ch === undefined || SPACE.test(ch)) break;
        if (ch === '"') inq = true;
        else if (ch === "'") insq = true;
        else cur += ch;
      }
      i++;
    }
    out.push(cur);
  }
}

/** sdscatrepr: a quoted string that splitArgs reads back as `s`. */
export function quoteArg(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * The command line as redis-server builds its option lines: `--name` starts a line, the
 * following words are its quoted arguments (even one starting with `--`: `--port` always takes
 * the next word); `--save` with no value (last, or followed by another `--name`) means `save ""`.
 */
export function argvToConfig(argv: readonly string[]): string {
  const lines: string[] = [];
  let needValue = false;
  for (let j = 0; j < argv.length; j++) {
    const a = argv[j] as string;
    if (!needValue && a.startsWith('--')) {
      let line = `${a.slice(2)} `;
      const words = splitArgs(a) ?? [];
      needValue = words.length === 1;
      if (needValue && a.toLowerCase() === '--save') {
        const next = argv[j + 1];
        if (next === undefined || next.startsWith('--')) {
          line += '""';
          needValue = false;
        }
      }
      lines.push(line);
    } else {
      if (lines.length === 0) lines.push('');
      lines[lines.length - 1] += `${quoteArg(a)} `;
      needValue = false;
    }
  }
  return lines.join('\n');
}

/**
 * Reads configuration text into directives, in order, with `include` files read in place
 * (their lines numbered within their own file, as redis-server reports them).
 */
export function parseConfig(text: string, depth = 0): Directive[] {
  const out: Directive[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const trimmed = (lines[n] as string).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const words = splitArgs(trimmed);
    if (words === null) throw new ConfigFileError('Unbalanced quotes in configuration line', n + 1, trimmed);
    if (words.length === 0) continue;
    const name = (words[0] as string).toLowerCase();
    const args = words.slice(1);
    if (name === 'include') {
      if (args.length !== 1) throw new ConfigFileError('Bad directive or wrong number of arguments', n + 1, trimmed);
      if (depth > 16) throw new ConfigFileError('Too many nested includes', n + 1, trimmed);
      let inc: string;
      try {
        inc = readFileSync(args[0] as string, 'utf8');
      } catch (e) {
        throw new ConfigFileError(`Fatal error, can't open config file '${args[0]}': ${(e as Error).message}`, n + 1, trimmed);
      }
      out.push(...parseConfig(inc, depth + 1));
      continue;
    }
    out.push({ name, args, text: trimmed, line: n + 1 });
  }
  return out;
}
