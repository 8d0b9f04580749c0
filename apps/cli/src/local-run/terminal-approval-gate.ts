import { userInfo } from 'node:os';
import { createInterface, type Interface } from 'node:readline';
import type { ApprovalDecision, ApprovalGate, ApprovalRequest } from '@pipewright/engine-core';
import type { OutputStream } from '../cli-io';

export interface TerminalApprovalOptions {
  /** Stages approved in advance with `--approve <stage>`. */
  preApproved: ReadonlySet<string>;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: OutputStream;
  /** Who approves: the OS user. */
  user?: string;
  /** Called around a prompt so a live view can step aside and come back. */
  onPrompt?: (prompting: boolean) => void;
  now?: () => Date;
}

/** `approved` or `rejected` by the person at the terminal; `--approve` in advance; or a clear refusal without a terminal. */
export class TerminalApprovalGate implements ApprovalGate {
  private queue: Promise<unknown> = Promise.resolve();
  private reader: Interface | undefined;
  private lines: AsyncIterator<string> | undefined;
  private readonly user: string;

  constructor(private readonly options: TerminalApprovalOptions) {
    this.user = options.user ?? currentUser();
  }

  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
    const at = () => (this.options.now?.() ?? new Date()).toISOString();
    const stage = request.stage.name;
    if (this.options.preApproved.has(stage)) return Promise.resolve({ decision: 'approved', by: this.user, at: at() });
    if (this.options.input.isTTY !== true)
      return Promise.resolve({
        decision: 'rejected',
        by: 'pipewright',
        at: at(),
        reason: `stage "${stage}" needs an approval and there is no terminal to ask; pass --approve ${stage} to approve it in advance`,
      });
    // One question at a time, even when stages beside each other wait for approval together.
    const asked = this.queue.then(() => this.ask(request, signal, at));
    this.queue = asked.catch(() => undefined);
    return asked;
  }

  private async ask(request: ApprovalRequest, signal: AbortSignal, at: () => string): Promise<ApprovalDecision> {
    const stage = request.stage.name;
    if (signal.aborted) return { decision: 'rejected', by: 'pipewright', at: at(), reason: 'the run was cancelled' };
    this.options.onPrompt?.(true);
    try {
      const approvers = request.approval.approvers.join(', ');
      for (;;) {
        this.options.output.write(`Approve stage "${stage}" (approvers: ${approvers}) as ${this.user}? [y/n] `);
        const answer = await this.nextLine(signal);
        if (answer === undefined) {
          this.options.output.write('\n');
          return signal.aborted
            ? { decision: 'rejected', by: 'pipewright', at: at(), reason: 'no decision in time' }
            : { decision: 'rejected', by: this.user, at: at(), reason: 'no answer (the terminal closed its input)' };
        }
        const word = answer.trim().toLowerCase();
        if (word === 'y' || word === 'yes') return { decision: 'approved', by: this.user, at: at() };
        if (word === 'n' || word === 'no')
          return { decision: 'rejected', by: this.user, at: at(), reason: 'rejected at the terminal' };
        this.options.output.write('Please answer y or n.\n');
      }
    } finally {
      this.options.onPrompt?.(false);
    }
  }

  /** The next line typed, or undefined when the input ends or the signal aborts. Lines typed ahead are kept. */
  private async nextLine(signal: AbortSignal): Promise<string | undefined> {
    if (this.lines === undefined) {
      this.reader = createInterface({ input: this.options.input, terminal: false });
      this.lines = this.reader[Symbol.asyncIterator]();
    }
    const lines = this.lines;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<undefined>((resolve) => {
      onAbort = () => resolve(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const next = await Promise.race([lines.next(), aborted]);
      return next === undefined || next.done === true ? undefined : next.value;
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  /** Stops reading the terminal (else it would keep the process alive). */
  close(): void {
    this.reader?.close();
    this.reader = undefined;
    this.lines = undefined;
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
