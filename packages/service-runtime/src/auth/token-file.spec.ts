import { hashToken, parseTokensFile, TokenRegistry } from './token-file';
import { TokensFileInvalid } from './auth.errors';

const ALICE = hashToken('alice-secret');
const OPS = hashToken('ops-secret');

function problemsOf(text: string): string[] {
  try {
    parseTokensFile(text, 'tokens.yml');
  } catch (error) {
    if (error instanceof TokensFileInvalid)
      return error.message
        .split('\n')
        .slice(1)
        .map((line) => line.trim());
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe(parseTokensFile.name, () => {
  it('finds a token by its hash, with its teams, and an admin token', () => {
    const sut = parseTokensFile(
      `tokens:
  - name: alice
    sha256: ${ALICE.toUpperCase()}
    teams: [team-a, team-b]
  - name: ops
    sha256: ${OPS}
    admin: true
`,
      'tokens.yml',
    );

    expect(sut).toBeInstanceOf(TokenRegistry);
    expect(sut.find('alice-secret')).toEqual({
      name: 'alice',
      sha256: ALICE,
      teams: ['team-a', 'team-b'],
      admin: false,
    });
    expect(sut.find('ops-secret')).toMatchObject({ name: 'ops', admin: true, teams: [] });
    expect(sut.find(ALICE)).toBeUndefined();
    expect(sut.find('nope')).toBeUndefined();
  });

  it('names file:line:column of each bad value, unknown keys where they are written', () => {
    expect(
      problemsOf(`tokens:
  - name: alice
    sha256: alice-secret
    teams: [team-a]
  - name: bob
    sha256: ${OPS}
    team: [team-b]
`),
    ).toEqual([
      `tokens.yml:3:13: tokens.0.sha256: expected the 64 hex digits of the token's SHA-256 (pipewright token hash), never the token`,
      'tokens.yml:7:5: tokens.1.team: unknown key',
      'tokens.yml:5:5: tokens.1: give either "teams: [...]" or "admin: true"',
    ]);
  });

  it('wants either teams or admin, and each name and hash once', () => {
    expect(
      problemsOf(`tokens:
  - name: alice
    sha256: ${ALICE}
  - name: alice
    sha256: ${ALICE}
    teams: [a]
  - name: carol
    sha256: ${OPS}
    teams: [a]
    admin: true
`),
    ).toEqual([
      'tokens.yml:2:5: tokens.0: give either "teams: [...]" or "admin: true"',
      'tokens.yml:7:5: tokens.2: give either "teams: [...]" or "admin: true"',
    ]);
    expect(
      problemsOf(`tokens:
  - { name: alice, sha256: ${ALICE}, teams: [a] }
  - { name: alice, sha256: ${ALICE}, teams: [b] }
`),
    ).toEqual([
      'tokens.yml:3:13: tokens.1.name: name given twice',
      'tokens.yml:3:28: tokens.1.sha256: sha256 given twice',
    ]);
  });

  it('reports YAML syntax errors and a duplicate key with their position', () => {
    expect(problemsOf('tokens:\n  - name: a\n    name: b\n')).toEqual(['tokens.yml:3:5: Map keys must be unique']);
  });
});
