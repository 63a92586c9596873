/**
 * Redis's extra Lua libraries: cjson, bit, struct, cmsgpack.
 */
import type { LuaTable } from './lua/runtime.js';

export function installExtraLibs(_G: LuaTable): void {}
