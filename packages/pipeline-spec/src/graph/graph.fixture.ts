import { parsePipelineText } from '../language/load-pipeline';
import { type PipelineGraph } from './pipeline-graph';

/** A small pipeline with every shape the graph helpers care about (for their tests). */
export function exampleGraph(): PipelineGraph {
  const result = parsePipelineText(
    `component: shop
team: team-shop
solution: retail
pipeline:
  name: shop
  stages:
    - name: build
      first:
        - name: setup
          run: ./setup.sh
      tasks:
        - name: compile
          run: make
          outputs: [version]
        - parallel:
            - - name: deploy-a
                run: ./deploy a
              - name: test-a
                run: ./test a
            - name: lint
              run: make lint
        - name: package
          run: make package
      last:
        - name: clean
          run: make clean
    - name: docs
      needs: []
      tasks:
        - name: site
          run: make site
    - name: release
      needs: [build, docs]
      environment: production
      approval: { approvers: [alice] }
      tasks:
        - name: publish
          run: ./publish.sh "\${{ stages.build.tasks.compile.outputs.version }}"
          if: \${{ stages.build.outcome == 'success' }}
`,
    'pipewright.yml',
  );
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.graph;
}
