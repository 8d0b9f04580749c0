import { analyzeExpression } from '../../expressions/analyze-expression';
import { interpolate } from '../../expressions/evaluate';
import { findTemplates, hasTemplate } from '../../expressions/templates';
import { parseAt, reportSyntax } from './expression-sites';
import { type Located, type ReadContext } from './read-context';
import { type SourceFile } from '../source-file';

/**
 * A string that may use `${{ inputs.* }}` only, resolved now: environments, approvers and pools
 * must be known before the run starts. `anyScalar` accepts numbers and booleans as their text.
 */
export function staticText(
  context: ReadContext,
  file: SourceFile,
  entry: Located,
  what: string,
  anyScalar = false,
): string | undefined {
  const text = anyScalar ? file.scalarText(entry, what) : file.string(entry, what);
  if (text === undefined || !hasTemplate(text)) return text;
  let parts;
  try {
    parts = findTemplates(text);
  } catch (error) {
    reportSyntax(file, entry.value, entry.location, error, 0, text.indexOf('${{'));
    return undefined;
  }
  let ok = true;
  for (const part of parts) {
    const ast = parseAt(file, entry.value, entry.location, part.source, part.sourceStart, part.start);
    if (ast === undefined) {
      ok = false;
      continue;
    }
    const analysis = analyzeExpression(ast);
    const at = (pos: number) => file.locate(entry.value, entry.location, part.sourceStart + pos, part.start);
    for (const problem of analysis.problems) {
      file.error(at(problem.pos), 'invalid-expression', `invalid expression: ${problem.message}`);
      ok = false;
    }
    for (const reference of analysis.references) {
      const [root, input] = reference.path;
      if (root === undefined) continue;
      if (root.name !== 'inputs') {
        file.error(
          at(root.pos),
          'unknown-reference',
          `only inputs.* can be used in ${what}: it is fixed before the run starts, when "${root.name}" is not known yet`,
        );
        ok = false;
      } else if (input === undefined || reference.path.length > 2 || reference.dynamic) {
        file.error(at(root.pos), 'unknown-reference', `expected inputs.<name> in ${what}`);
        ok = false;
      } else if (!context.declared.has(input.name)) {
        file.error(at(input.pos), 'unknown-reference', context.unknownInputMessage(input.name));
        ok = false;
      }
    }
    if (analysis.usesStatus) {
      file.error(
        at(0),
        'invalid-expression',
        `always(), success(), failure() and cancelled() can only be used in "if"`,
      );
      ok = false;
    }
  }
  return ok ? interpolate(text, { inputs: context.inputValues }) : undefined;
}
