import { formatYamlConfigProblem } from '../config/yaml-config';
import { TokensFileInvalid } from './auth.errors';
import { loadTokensFile, type TokenRegistry } from './token-file';

/**
 * For `main.ts`, like `loadConfig`: the tokens of the file `variable` names (undefined when it names
 * none); on a bad file prints one `variable: file:line:column: problem` line per problem and exits 1.
 */
export function loadTokensOrExit(variable: string, file: string | undefined): TokenRegistry | undefined {
  if (file === undefined) return undefined;
  try {
    return loadTokensFile(file);
  } catch (error) {
    if (!(error instanceof TokensFileInvalid)) throw error;
    for (const problem of error.details)
      process.stderr.write(`config: ${variable}: ${formatYamlConfigProblem(problem)}\n`);
    process.exit(1);
  }
}
