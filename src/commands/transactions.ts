/** Placeholder: this command family is not implemented yet. */
import type { CommandSpec } from '../engine/command.js';

export const transactionCommands: CommandSpec[] = [];
