import { ExpressionSyntaxError } from './parse-expression';

/** One `${{ … }}` in a string. Offsets are 0-based in the string. */
export interface TemplatePart {
  /** The expression between the braces, trimmed. */
  source: string;
  /** Offset of `${{`. */
  start: number;
  /** Offset just after `}}`. */
  end: number;
  /** Offset of the trimmed expression's first character. */
  sourceStart: number;
}

const OPEN = '${{';
const CLOSE = '}}';

/** Finds every `${{ … }}` in `text`; `}}` inside a quoted string does not close it. Throws {@link ExpressionSyntaxError}. */
export function findTemplates(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(OPEN, from);
    if (start < 0) return parts;
    let i = start + OPEN.length;
    let quote: string | undefined;
    let quoteStart = -1;
    let end = -1;
    while (i < text.length) {
      const ch = text[i];
      if (quote !== undefined) {
        if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"') {
        quote = ch;
        quoteStart = i;
      } else if (text.startsWith(CLOSE, i)) {
        end = i;
        break;
      }
      i++;
    }
    if (end < 0 && quote !== undefined)
      throw new ExpressionSyntaxError(`unterminated string: expected a closing ${quote}`, quoteStart);
    if (end < 0) throw new ExpressionSyntaxError('unterminated "${{"; expected "}}"', start);
    const raw = text.slice(start + OPEN.length, end);
    const leading = raw.length - raw.trimStart().length;
    parts.push({ source: raw.trim(), start, end: end + CLOSE.length, sourceStart: start + OPEN.length + leading });
    from = end + CLOSE.length;
  }
}

export function hasTemplate(text: string): boolean {
  return text.includes(OPEN);
}

/**
 * The expression of a condition: `${{ x }}` or plain `x` both give `x` (with the offset of x in `text`).
 * Throws {@link ExpressionSyntaxError} when the text mixes an expression with other text.
 */
export function conditionSource(text: string): { source: string; offset: number } {
  const parts = findTemplates(text);
  if (parts.length === 0) {
    const leading = text.length - text.trimStart().length;
    return { source: text.trim(), offset: leading };
  }
  const only = parts[0];
  if (
    parts.length > 1 ||
    only === undefined ||
    text.slice(0, only.start).trim() !== '' ||
    text.slice(only.end).trim() !== ''
  )
    throw new ExpressionSyntaxError('a condition must be one expression, "${{ … }}" or without the braces', 0);
  return { source: only.source, offset: only.sourceStart };
}
