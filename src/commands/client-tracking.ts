/**
 * CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO (Redis 7.0's clientCommand branches), over
 * the tracking state of engine/tracking.ts. Validation order and error texts are Redis's:
 * options are parsed first (REDIRECT must name a connected client, a second REDIRECT is refused),
 * then for ON: PREFIX without BCAST, switching BCAST, OPTIN/OPTOUT with BCAST, both OPTIN and
 * OPTOUT, switching OPTIN/OPTOUT, then prefix overlaps. ON again with tracking on replaces the
 * options (prefixes accumulate).
 */
import type { Client } from '../engine/client.js';
import { RedisError, SYNTAX } from '../engine/errors.js';

const INT_ERR = 'ERR value is not an integer or out of range';

/** Redis's stringCheckPrefix: one is a prefix of the other. */
function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

function parseId(s: string): number {
  if (!/^-?(0|[1-9][0-9]*)$/.test(s) || s.length > 20) throw new RedisError(INT_ERR);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new RedisError(INT_ERR);
  return n;
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]. */
export function clientTracking(c: Client, args: string[]): void {
  const node = c.node;
  let redirect = 0;
  const opts = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < args.length; j++) {
    const more = args.length - 1 - j;
    const a = (args[j] as string).toLowerCase();
    if (a === 'redirect' && more > 0) {
      j++;
      if (redirect !== 0) throw new RedisError('ERR A client can only redirect to a single other client');
      redirect = parseId(args[j] as string);
      const target = node.clients.get(redirect);
      if (!target || target.closed) throw new RedisError('ERR The client ID you want redirect to does not exist');
    } else if (a === 'bcast') opts.bcast = true;
    else if (a === 'optin') opts.optin = true;
    else if (a === 'optout') opts.optout = true;
    else if (a === 'noloop') opts.noloop = true;
    else if (a === 'prefix' && more > 0) {
      j++;
      prefixes.push(args[j] as string);
    } else throw new RedisError(SYNTAX);
  }
  const mode = (args[2] as string).toLowerCase();
  if (mode === 'on') {
    const st = c.tracking;
    if (!opts.bcast && prefixes.length > 0) throw new RedisError('ERR PREFIX option requires BCAST mode to be enabled');
    if (st && st.bcast !== opts.bcast) {
      throw new RedisError(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
    }
    if (opts.bcast && (opts.optin || opts.optout)) throw new RedisError('ERR OPTIN and OPTOUT are not compatible with BCAST');
    if (opts.optin && opts.optout) throw new RedisError("ERR You can't specify both OPTIN mode and OPTOUT mode");
    if (st && ((opts.optin && st.optout) || (opts.optout && st.optin))) {
      throw new RedisError(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
    }
    if (opts.bcast) checkPrefixes(c, prefixes);
    node.tracking.enable(c, redirect, opts, prefixes);
  } else if (mode === 'off') {
    node.tracking.disable(c);
  } else throw new RedisError(SYNTAX);
  c.reply.ok();
}

/** Redis's checkPrefixCollisionsOrReply: no prefix may overlap an existing or another given one. */
function checkPrefixes(c: Client, prefixes: string[]): void {
  const mine = c.tracking?.prefixes ?? [];
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i] as string;
    for (const old of mine) {
      if (overlaps(old, p)) {
        throw new RedisError(`ERR Prefix '${p}' overlaps with an existing prefix '${old}'. Prefixes for a single client must not overlap.`);
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      const q = prefixes[j] as string;
      if (overlaps(p, q)) {
        throw new RedisError(
          `ERR Prefix '${p}' overlaps with another provided prefix '${q}'. Prefixes for a single client must not overlap.`,
        );
      }
    }
  }
}

/** CLIENT CACHING YES|NO: for the next command only (OPTIN: track it; OPTOUT: do not). */
export function clientCaching(c: Client, args: string[]): void {
  const st = c.tracking;
  if (!st) {
    throw new RedisError('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
  }
  const v = (args[2] as string).toLowerCase();
  if (v === 'yes') {
    if (!st.optin) throw new RedisError('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (v === 'no') {
    if (!st.optout) throw new RedisError('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else throw new RedisError(SYNTAX);
  st.caching = true;
  c.reply.ok();
}

/** CLIENT GETREDIR: the redirect id, 0 without one, -1 when tracking is off. */
export function clientGetredir(c: Client): void {
  c.reply.int(c.tracking ? c.tracking.redirect : -1);
}

/** CLIENT TRACKINGINFO: flags (a set), redirect, prefixes. */
export function clientTrackinginfo(c: Client): void {
  const st = c.tracking;
  const flags: string[] = [st ? 'on' : 'off'];
  if (st) {
    if (st.bcast) flags.push('bcast');
    if (st.optin) {
      flags.push('optin');
      if (st.caching) flags.push('caching-yes');
    }
    if (st.optout) {
      flags.push('optout');
      if (st.caching) flags.push('caching-no');
    }
    if (st.noloop) flags.push('noloop');
    if (st.brokenRedirect) flags.push('broken_redirect');
  }
  c.reply.mapLen(3);
  c.reply.bulk('flags');
  c.reply.setLen(flags.length);
  for (const f of flags) c.reply.bulk(f);
  c.reply.bulk('redirect');
  c.reply.int(st ? st.redirect : -1);
  c.reply.bulk('prefixes');
  const prefixes = st?.prefixes ?? [];
  c.reply.arrayLen(prefixes.length);
  for (const p of prefixes) c.reply.bulk(p);
}
