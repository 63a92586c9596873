/**
 * Users and selectors written back as rules (ACL LIST, ACL GETUSER, ACL SAVE), as Redis 7.0.15's
 * ACLDescribeUser / ACLDescribeSelector / ACLDescribeSelectorCommandRules write them.
 *
 * The command rules are rebuilt from the selector's bitmap, not kept as typed: "+@all" (when the
 * reserved "future commands" bit is set) or "-@all", then categories chosen greedily, then
 * single commands to fix the remaining differences:
 * - repeatedly, among the categories not used yet, the one with more commands in the wanted state
 *   than not ("same" > "diff") and the fewest commands in the wrong state, ties broken by the most
 *   in the right state, is emitted (+@cat when starting from -@all, -@cat from +@all);
 * - then every command and subcommand whose bit still differs is emitted as +cmd / -cmd /
 *   +cmd|sub / -cmd|sub, and a denied command's allowed first arguments as +cmd|arg.
 * Redis walks its command dict for the last step, whose order is its hash order (random per
 * process); redis-sim walks its command table, so those single-command rules may come in another
 * order than on a real Redis, with the same meaning.
 */

import { ACL_ORDER } from '../engine/acl.js';
import { type KeyPattern, READ, Selector, type User, WRITE } from './user.js';

/** sdsCatPatternString. */
export function patternString(p: KeyPattern): string {
  if (p.flags === (READ | WRITE)) return `~${p.pattern}`;
  return p.flags === READ ? `%R~${p.pattern}` : `%W~${p.pattern}`;
}

function countCategory(s: Selector, bit: number): { on: number; off: number } {
  let on = 0;
  let off = 0;
  for (const cmd of s.table.all) {
    if (cmd.cats & bit) {
      if (s.bits[cmd.id] === 1) on++;
      else off++;
    }
  }
  return { on, off };
}

/** ACLDescribeSelectorCommandRules. */
export function describeCommandRules(sel: Selector): string {
  const rules: string[] = [];
  const additive = !sel.future;
  const fake = new Selector(sel.table, false, false);
  fake.setAllCommands(!additive);
  rules.push(additive ? '-@all' : '+@all');
  const temp = new Selector(sel.table, false, false);
  temp.bits = sel.bits.slice();
  const applied = new Set<number>();
  for (;;) {
    let best = -1;
    let mindiff = Number.MAX_SAFE_INTEGER;
    let maxsame = 0;
    for (let j = 0; j < ACL_ORDER.length; j++) {
      if (applied.has(j)) continue;
      const { on, off } = countCategory(temp, 1 << j);
      const diff = additive ? off : on;
      const same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
        best = j;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best === -1) break;
    fake.changeCategory(1 << best, additive);
    temp.changeCategory(1 << best, !additive);
    rules.push(`${additive ? '+@' : '-@'}${ACL_ORDER[best]}`);
    applied.add(best);
  }
  const single = (cmd: Selector['table']['all'][number]) => {
    const userbit = sel.bits[cmd.id] === 1;
    const fakebit = fake.bits[cmd.id] === 1;
    if (userbit !== fakebit) {
      rules.push(`${userbit ? '+' : '-'}${cmd.fullname}`);
      fake.changePerm(cmd, userbit);
    }
    for (const sub of cmd.subs ?? []) single(sub);
    const firstArgs = sel.firstArgs?.get(cmd.id);
    if (!userbit && firstArgs) for (const a of firstArgs) rules.push(`+${cmd.fullname}|${a}`);
  };
  for (const cmd of sel.table.top) single(cmd);
  return rules.join(' ');
}

/** ACLDescribeSelector: keys, channels, commands. */
export function describeSelector(s: Selector): string {
  const parts: string[] = [];
  if (s.allKeys) parts.push('~*');
  else for (const p of s.patterns) parts.push(patternString(p));
  if (s.allChannels) parts.push('&*');
  else {
    parts.push('resetchannels');
    for (const ch of s.channels) parts.push(`&${ch}`);
  }
  parts.push(describeCommandRules(s));
  return parts.join(' ');
}

/** The user's flags in ACLUserFlags order. */
export function flagNames(u: User): string[] {
  const f = u.flags;
  const out: string[] = [];
  if (f.enabled) out.push('on');
  if (f.disabled) out.push('off');
  if (f.nopass) out.push('nopass');
  if (f.skipSanitize) out.push('skip-sanitize-payload');
  if (f.sanitize) out.push('sanitize-payload');
  return out;
}

/** ACLDescribeUser: flags, #hashes, the root selector, then " (selector)" for each other one. */
export function describeUser(u: User): string {
  let res = '';
  for (const f of flagNames(u)) res += `${f} `;
  for (const h of u.passwords) res += `#${h} `;
  for (const s of u.selectors) {
    const d = describeSelector(s);
    res += s.root ? d : ` (${d})`;
  }
  return res;
}
