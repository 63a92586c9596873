/**
 * Errors a command raises to reply with an error. The message includes Redis's error code
 * ("ERR ...", "WRONGTYPE ...") and is sent verbatim.
 */
export class RedisError extends Error {}

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const SYNTAX = 'ERR syntax error';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const NOT_FLOAT = 'ERR value is not a valid float';
export const NO_SUCH_KEY = 'ERR no such key';
export const OUT_OF_RANGE = 'ERR index out of range';
export const INVALID_EXPIRE = (cmd: string) => `ERR invalid expire time in '${cmd}' command`;
export const WRONG_ARITY = (fullname: string) => `ERR wrong number of arguments for '${fullname}' command`;
export const POSITIVE = (what = 'value') => `ERR ${what} is out of range, must be positive`;
