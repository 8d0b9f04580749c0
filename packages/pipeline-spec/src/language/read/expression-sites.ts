import { isMap, isScalar, isSeq } from 'yaml';
import { type SourceLocation } from '../../errors/spec-error';
import { type Expr } from '../../expressions/ast';
import { ExpressionSyntaxError, parseExpression } from '../../expressions/parse-expression';
import { conditionSource, findTemplates, hasTemplate } from '../../expressions/templates';
import { type ExpressionSite } from '../raw-pipeline';
import { type Entry, type SourceFile, type YamlValue } from '../source-file';

/**
 * Expressions are parsed while reading, so a syntax error points into the YAML scalar; what they
 * refer to is checked later (`resolveGraph`), once every stage and task is known.
 */

/** Reports a syntax error at its column inside the scalar; anything else is a bug and is thrown. */
export function reportSyntax(
  file: SourceFile,
  node: YamlValue,
  fallback: SourceLocation,
  error: unknown,
  offset: number,
  anchor?: number,
): void {
  if (!(error instanceof ExpressionSyntaxError)) throw error;
  file.error(
    file.locate(node, fallback, offset + error.pos, anchor),
    'invalid-expression',
    `invalid expression: ${error.message}`,
  );
}

/** The expression's syntax tree, or undefined after reporting why it does not parse. */
export function parseAt(
  file: SourceFile,
  node: YamlValue,
  fallback: SourceLocation,
  source: string,
  offset: number,
  anchor?: number,
): Expr | undefined {
  try {
    return parseExpression(source);
  } catch (error) {
    reportSyntax(file, node, fallback, error, offset, anchor);
    return undefined;
  }
}

/** Every `${{ … }}` inside a value (strings in maps and lists too), parsed, for checking later. */
export function templateSites(file: SourceFile, node: YamlValue, fallback: SourceLocation): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  const visit = (value: YamlValue, location: SourceLocation) => {
    if (isMap(value))
      for (const pair of value.items) {
        const v = file.resolve(pair.value);
        visit(v, file.locationOf(v, location));
      }
    else if (isSeq(value))
      for (const item of value.items) {
        const v = file.resolve(item);
        visit(v, file.locationOf(v, location));
      }
    else if (isScalar(value) && typeof value.value === 'string' && hasTemplate(value.value)) {
      let parts;
      try {
        parts = findTemplates(value.value);
      } catch (error) {
        reportSyntax(file, value, location, error, 0, value.value.indexOf('${{'));
        return;
      }
      for (const part of parts) {
        const ast = parseAt(file, value, location, part.source, part.sourceStart, part.start);
        if (ast !== undefined)
          sites.push({
            file,
            node: value,
            fallback: location,
            offset: part.sourceStart,
            anchor: part.start,
            ast,
            condition: false,
          });
      }
    }
  };
  visit(node, fallback);
  return sites;
}

/** A task's `if`: its source without `${{ }}` for the graph; the parsed condition goes to `expressions`. */
export function readCondition(
  file: SourceFile,
  entry: Entry,
  where: string,
  expressions: ExpressionSite[],
): string | undefined {
  const node = entry.value;
  if (isScalar(node) && typeof node.value === 'boolean') return String(node.value);
  const text = file.string(entry, `"if" of ${where}`, "a condition, e.g. ${{ tasks.build.outcome == 'success' }}");
  if (text === undefined) return undefined;
  let condition;
  try {
    condition = conditionSource(text);
  } catch (error) {
    reportSyntax(file, node, entry.location, error, 0);
    return undefined;
  }
  const anchor = text.indexOf('${{');
  const ast = parseAt(file, node, entry.location, condition.source, condition.offset, anchor >= 0 ? anchor : undefined);
  if (ast === undefined) return undefined;
  expressions.push({
    file,
    node,
    fallback: entry.location,
    offset: condition.offset,
    ...(anchor >= 0 ? { anchor } : {}),
    ast,
    condition: true,
  });
  return condition.source;
}
