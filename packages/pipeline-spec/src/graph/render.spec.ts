import { exampleGraph } from './graph.fixture';
import { toMermaid, toText } from './render';

describe(toText.name, () => {
  it('shows stages with needs, environment, approval, sections and lanes', () => {
    const text = toText(exampleGraph());
    expect(text).toContain('stage release  ·  needs build, docs  ·  environment production  ·  approval by alice\n');
    expect(text).toContain('  first:\n    setup  $ ./setup.sh\n');
    expect(text).toContain(
      '    parallel:\n      lane 1:\n        deploy-a  $ ./deploy a\n        test-a  $ ./test a\n      lane 2:\n        lint  $ make lint\n',
    );
    expect(text).toContain("if stages.build.outcome == 'success'");
  });
});

describe(toMermaid.name, () => {
  it('draws a box per stage, task order inside, and needs as arrows between boxes', () => {
    const mermaid = toMermaid(exampleGraph());
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid).toContain('  subgraph s2["release (env production, approval)"]');
    // compile fans out to both lanes, both lanes fan in to package.
    expect(mermaid).toContain(
      '    s0t1 --> s0t2\n    s0t3["test-a"]\n    s0t2 --> s0t3\n    s0t4["lint"]\n    s0t1 --> s0t4\n',
    );
    expect(mermaid).toContain('    s0t3 --> s0t5\n    s0t4 --> s0t5\n');
    expect(mermaid).toContain('  s0 --> s2\n  s1 --> s2\n');
  });
});
