/** Stream: placeholder until the stream type lands (issue 6). */
export class Stream {
  get length(): number {
    return 0;
  }

  clone(): Stream {
    return new Stream();
  }
}
