import { formatDuration } from '../language/durations';
import { type PipelineGraph, SECTION_NAMES, type StageNode, type TaskNode } from './pipeline-graph';

function oneLine(text: string, max = 60): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function taskLine(task: TaskNode): string {
  const parts = [
    task.uses === 'shell' && typeof task.with.run === 'string' ? `$ ${oneLine(task.with.run)}` : `uses ${task.uses}`,
  ];
  if (task.if !== undefined) parts.push(`if ${oneLine(task.if, 50)}`);
  if (task.timeoutMs !== 3_600_000) parts.push(`timeout ${formatDuration(task.timeoutMs)}`);
  if (task.retry.attempts > 1) parts.push(`${task.retry.attempts} attempts`);
  if (task.pool !== undefined) parts.push(`pool ${task.pool}`);
  if (task.idempotent) parts.push('idempotent');
  if (task.outputs.length > 0) parts.push(`outputs ${task.outputs.join(', ')}`);
  return `${task.name}  ${parts.join('  ')}`;
}

function stageHeader(stage: StageNode): string {
  const parts = [`stage ${stage.name}`];
  if (stage.needs.length > 0) parts.push(`needs ${stage.needs.join(', ')}`);
  if (stage.environment !== undefined)
    parts.push(
      stage.environment.lifetime === 'ephemeral'
        ? `environment ${stage.environment.name} (ephemeral, ${stage.environment.size})`
        : `environment ${stage.environment.name}`,
    );
  if (stage.approval !== undefined) parts.push(`approval by ${stage.approval.approvers.join(', ')}`);
  return parts.join('  ·  ');
}

/** The resolved pipeline as indented text, for `pipewright graph`. */
export function toText(graph: PipelineGraph): string {
  const lines = [
    `pipeline ${graph.name}  (component ${graph.component}, team ${graph.team}, solution ${graph.solution})`,
  ];
  const flavour = graph.source.flavour;
  if (flavour !== undefined) lines.push(`flavour ${flavour.name} (${flavour.file})`);
  const inputs = Object.entries(graph.inputs);
  if (inputs.length > 0) lines.push(`inputs ${inputs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`);
  for (const stage of graph.stages) {
    lines.push('', stageHeader(stage));
    for (const section of SECTION_NAMES) {
      const steps = stage.sections[section];
      if (steps.length === 0) continue;
      lines.push(`  ${section}:`);
      for (const step of steps) {
        if (step.kind === 'task') {
          lines.push(`    ${taskLine(step.task)}`);
          continue;
        }
        lines.push('    parallel:');
        step.lanes.forEach((lane, index) => {
          lines.push(`      lane ${index + 1}:`);
          for (const task of lane) lines.push(`        ${taskLine(task)}`);
        });
      }
    }
  }
  return lines.join('\n') + '\n';
}

function mermaidLabel(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/** The resolved pipeline as a Mermaid flowchart: a box per stage, tasks in order inside, arrows for `needs`. */
export function toMermaid(graph: PipelineGraph): string {
  const lines = ['flowchart LR'];
  const stageIds = new Map(graph.stages.map((stage, index) => [stage.name, `s${index}`]));
  graph.stages.forEach((stage, stageIndex) => {
    const stageId = `s${stageIndex}`;
    const extras: string[] = [];
    if (stage.environment !== undefined) extras.push(`env ${stage.environment.name}`);
    if (stage.approval !== undefined) extras.push('approval');
    lines.push(
      `  subgraph ${stageId}[${mermaidLabel(extras.length > 0 ? `${stage.name} (${extras.join(', ')})` : stage.name)}]`,
    );
    lines.push('    direction TB');
    let taskIndex = 0;
    let previousExits: string[] = [];
    const node = (task: TaskNode, section: string) => {
      const id = `${stageId}t${taskIndex++}`;
      lines.push(`    ${id}[${mermaidLabel(section === 'main' ? task.name : `${task.name} (${section})`)}]`);
      return id;
    };
    const link = (from: string[], to: string[]) => {
      for (const a of from) for (const b of to) lines.push(`    ${a} --> ${b}`);
    };
    for (const section of SECTION_NAMES) {
      for (const step of stage.sections[section]) {
        if (step.kind === 'task') {
          const id = node(step.task, section);
          link(previousExits, [id]);
          previousExits = [id];
          continue;
        }
        const exits: string[] = [];
        for (const lane of step.lanes) {
          let laneExit = previousExits;
          for (const task of lane) {
            const id = node(task, section);
            link(laneExit, [id]);
            laneExit = [id];
          }
          exits.push(...laneExit);
        }
        previousExits = exits;
      }
    }
    lines.push('  end');
  });
  for (const stage of graph.stages)
    for (const need of stage.needs)
      lines.push(`  ${stageIds.get(need) ?? need} --> ${stageIds.get(stage.name) ?? stage.name}`);
  return lines.join('\n') + '\n';
}
