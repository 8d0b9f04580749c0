import { createStyle, stripAnsi, truncateVisible, visibleWidth } from './ansi';
import { formatElapsed } from './format-duration';
import { formatTable } from './table';

describe(formatTable.name, () => {
  it('pads columns to the widest cell, right-aligning where asked, ignoring colour codes', () => {
    const style = createStyle(true);
    const sut = formatTable(
      [{ header: 'STAGE' }, { header: 'STATUS' }, { header: 'DURATION', align: 'right' }],
      [
        ['build', style.green('success'), '1.2s'],
        ['deploy', style.red('failure'), '850ms'],
      ],
    );
    const plain = stripAnsi(sut);
    expect(plain.split('\n')).toEqual([
      'STAGE   STATUS   DURATION',
      '------  -------  --------',
      'build   success      1.2s',
      'deploy  failure     850ms',
    ]);
  });
});

describe(formatElapsed.name, () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [4_230, '4.2s'],
    [65_000, '1m 05s'],
    [7_380_000, '2h 03m'],
  ])('%d ms is %s', (ms, text) => expect(formatElapsed(ms)).toBe(text));
});

describe(truncateVisible.name, () => {
  it('cuts to the visible width and keeps escape codes whole', () => {
    const style = createStyle(true);
    const sut = truncateVisible(`${style.green('abcdef')}ghij`, 5);
    expect(visibleWidth(sut)).toBe(5);
    expect(sut.startsWith('\u001b[32mabcd')).toBe(true);
  });
});
