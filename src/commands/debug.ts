import type { CommandSpec } from '../engine/command.js';
export const debugCommands: CommandSpec[] = [];
