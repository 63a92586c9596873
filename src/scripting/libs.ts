/**
 * Redis's extra Lua libraries: cjson, bit, struct, cmsgpack.
 */
import { bitLib } from './lib-bit.js';
import { cjsonLib } from './lib-cjson.js';
import { cmsgpackLib } from './lib-cmsgpack.js';
import { structLib } from './lib-struct.js';
import type { LuaTable } from './lua/runtime.js';

export function installExtraLibs(G: LuaTable): void {
  G.set('cjson', cjsonLib());
  G.set('bit', bitLib());
  G.set('struct', structLib());
  G.set('cmsgpack', cmsgpackLib());
}
