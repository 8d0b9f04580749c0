import { analyzeExpression } from '../expressions/analyze-expression';
import { parseExpression } from '../expressions/parse-expression';
import { type SectionName } from './pipeline-graph';

/**
 * The condition the engine evaluates for a task, from its section and its `if`:
 * without `if`, `main` tasks run on `success()` and `first`/`last` tasks on `always()`;
 * an `if` that calls always(), success(), failure() or cancelled() decides alone;
 * any other `if` adds to the section's rule (`main`: `success() && (if)`; `first`/`last`: `if`).
 */
export function effectiveCondition(section: SectionName, condition?: string): string {
  const sectionDefault = section === 'main' ? 'success()' : 'always()';
  if (condition === undefined) return sectionDefault;
  if (analyzeExpression(parseExpression(condition)).usesStatus) return condition;
  return section === 'main' ? `success() && (${condition})` : condition;
}
