/** Type of a task input value. `string-list` is a list of strings; `string-map` a map of strings; `any` is unchecked JSON. */
export type TaskInputType = 'string' | 'number' | 'boolean' | 'string-list' | 'string-map' | 'any';

export interface TaskInputSpec {
  type: TaskInputType;
  description: string;
  required?: boolean;
  /** Applied when the task does not set the input. */
  default?: string | number | boolean;
  /** Allowed values (strings only). */
  enum?: readonly string[];
}

/** A task type of the task library: what `uses: <name>` accepts in `with`. */
export interface TaskTypeSpec {
  description: string;
  inputs: Readonly<Record<string, TaskInputSpec>>;
}

/** Known task types by name; the caller passes them to the loader, so later task types need no change here. */
export type TaskTypeRegistry = Readonly<Record<string, TaskTypeSpec>>;

export const builtInTaskTypes: TaskTypeRegistry = {
  shell: {
    description: 'Runs a shell command in the workspace; `run: <command>` on a task is shorthand for it.',
    inputs: {
      run: { type: 'string', required: true, description: 'The command to run, with sh -c or the given shell.' },
      shell: { type: 'string', description: 'Shell to run the command with, e.g. bash; default sh.' },
    },
  },
};
