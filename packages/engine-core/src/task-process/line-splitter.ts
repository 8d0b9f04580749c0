import { StringDecoder } from 'node:string_decoder';
import { SECRET_MASK, type SecretMasker } from './secret-masker';

/** Longest line the runner emits; longer lines are split into pieces of at most this many characters. */
export const MAX_LINE_LENGTH = 16_384;

export interface LineSplitterOptions {
  maxLength?: number;
  masker?: SecretMasker;
}

/**
 * Turns a byte stream into masked lines of at most `maxLength` characters. It holds at most one
 * line's worth of text (plus one chunk), never the whole output: a line longer than the limit is
 * emitted in pieces as it arrives. A secret is never cut in two by a piece boundary, so it is
 * masked even in a line that is split. Multi-byte UTF-8 characters split across chunks are
 * decoded correctly, `\r\n` line ends lose their `\r`, and the last line needs no newline.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private readonly maxLength: number;
  private readonly masker: SecretMasker | undefined;
  /**
   * A piece of an unfinished line is only cut once this much text is buffered: then every secret
   * that starts before the cut ends inside the buffer, so the cut can avoid it. At least 1, so a
   * `\r` before the newline is still there when the line ends.
   */
  private readonly holdBack: number;
  private pending = '';
  /** `pending` is the rest of a line whose first pieces were already emitted. */
  private continued = false;

  constructor(options: LineSplitterOptions = {}) {
    this.maxLength = options.maxLength ?? MAX_LINE_LENGTH;
    if (this.maxLength < SECRET_MASK.length) throw new RangeError(`maxLength must be at least ${SECRET_MASK.length}`);
    this.masker = options.masker?.empty ? undefined : options.masker;
    this.holdBack = Math.max(1, this.masker?.longest ?? 0);
  }

  /** Feeds a chunk; returns the lines it completed (and pieces of overlong lines), in order. */
  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.pending += text.slice(start, newline);
      this.emitLongPieces(lines);
      this.finishLine(lines);
      start = newline + 1;
    }
    this.pending += text.slice(start);
    this.emitLongPieces(lines);
    return lines;
  }

  /** Ends the stream: returns the last line if it had no newline. */
  end(): string[] {
    const rest = this.decoder.end();
    const lines = rest ? this.push(rest) : [];
    if (this.pending.length > 0) this.finishLine(lines);
    this.continued = false;
    return lines;
  }

  private finishLine(lines: string[]) {
    if (this.pending.endsWith('\r')) this.pending = this.pending.slice(0, -1);
    if (this.pending.length > 0 || !this.continued) {
      do this.emitPiece(lines);
      while (this.pending.length > 0);
    }
    this.continued = false;
  }

  private emitLongPieces(lines: string[]) {
    while (this.pending.length >= this.maxLength + this.holdBack) {
      this.emitPiece(lines);
      this.continued = true;
    }
  }

  /** Emits the longest masked prefix of `pending` that fits `maxLength` without cutting a secret. */
  private emitPiece(lines: string[]) {
    const cut = this.cutPoint();
    const piece = this.pending.slice(0, cut);
    lines.push(this.masker ? this.masker.mask(piece) : piece);
    this.pending = this.pending.slice(cut);
  }

  private cutPoint(): number {
    const text = this.pending;
    const max = this.maxLength;
    let masked = 0; // length of the masked output up to `position`
    let position = 0;
    for (const { start, end } of this.masker?.occurrences(text) ?? []) {
      if (masked + (start - position) >= max) return avoidSplittingSurrogates(text, position + (max - masked));
      masked += start - position;
      position = start;
      if (masked + SECRET_MASK.length > max) return position;
      masked += SECRET_MASK.length;
      position = end;
    }
    return avoidSplittingSurrogates(text, position + Math.min(text.length - position, max - masked));
  }
}

/** Moves a cut between the two halves of a UTF-16 surrogate pair one left, so no character is broken. */
function avoidSplittingSurrogates(text: string, cut: number): number {
  if (cut <= 1 || cut >= text.length) return cut;
  const before = text.charCodeAt(cut - 1);
  return before >= 0xd800 && before <= 0xdbff ? cut - 1 : cut;
}
