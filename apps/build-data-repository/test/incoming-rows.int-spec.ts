import { postgres, type PostgresService } from '@pipewright/testing';
import { Client } from 'pg';
import { incomingRows, type IncomingColumn, type IncomingValue } from '../src/database/incoming-rows';

jest.setTimeout(60_000);

const COLUMNS: IncomingColumn[] = [
  { name: 'name', type: 'text' },
  { name: 'note', type: 'text' },
  { name: 'count', type: 'integer' },
  { name: 'total', type: 'bigint' },
  { name: 'at', type: 'timestamptz' },
  { name: 'details', type: 'jsonb' },
];

/** What Postgres reads back from the rows, in order, as JSON-friendly values. */
describe(incomingRows.name, () => {
  let database: PostgresService;
  let client: Client;

  beforeAll(async () => {
    database = await postgres();
    client = new Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  async function readBack(columns: IncomingColumn[], rows: IncomingValue[][]) {
    const incoming = incomingRows('$1', columns, rows, [{ call: `generate_series(101, 200)`, name: 'alongside' }]);
    const result = await client.query<Record<string, unknown>>(
      `SELECT ${incoming.columns.map((column, i) => `${column} AS "${columns[i]!.name}"`).join(', ')},
         incoming.alongside, incoming.ordinality::integer AS ordinality
       FROM ${incoming.from}
       WHERE incoming.ordinality <= $2
       ORDER BY incoming.ordinality`,
      [incoming.parameter, rows.length],
    );
    const sentAs = incoming.from.includes('json_to_recordset') ? 'json' : 'text';
    // Zipped with the rows alongside, in order.
    expect(result.rows.map((row) => [row.ordinality, row.alongside])).toEqual(rows.map((_, i) => [i + 1, 101 + i]));
    return { sentAs, rows: result.rows.map(({ alongside: _, ordinality: __, ...row }) => row) };
  }

  const at = new Date('2026-12-07T10:11:12.345Z');

  it('reads every type, NULLs, empty strings and non-ASCII text back as they were, in order, split as text', async () => {
    const rows: IncomingValue[][] = [
      ['build', 'first', 1, 9_007_199_254_740_991, at, { stages: ['a', 'b'], nested: { ok: true } }],
      ['', null, null, null, null, null],
      ['zoë ✓ 🚀', 'tab\there, "quotes", \\backslash\\, new\nline', -5, 0, '2026-02-28T23:59:59+01:00', []],
      ['last', '', 0, -1, at, { text: 'a\u001fb' }],
    ];

    const sut = await readBack(COLUMNS, rows);

    expect(sut.sentAs).toBe('text');
    expect(sut.rows).toEqual([
      { name: 'build', note: 'first', count: 1, total: '9007199254740991', at, details: rows[0]![5] },
      { name: '', note: null, count: null, total: null, at: null, details: null },
      {
        name: 'zoë ✓ 🚀',
        note: 'tab\there, "quotes", \\backslash\\, new\nline',
        count: -5,
        total: '0',
        at: new Date('2026-02-28T22:59:59Z'),
        details: [],
      },
      // A separator inside JSON text is escaped there: still sent as text.
      { name: 'last', note: '', count: 0, total: '-1', at, details: { text: 'a\u001fb' } },
    ]);
  });

  it.each(['\u001d', '\u001e', '\u001f'])(
    'sends the rows as JSON when a value holds the separator %j, and reads them back the same',
    async (separator) => {
      const rows: IncomingValue[][] = [
        ['plain', null, 1, 2, at, { a: 1 }],
        [`odd${separator}name`, `${separator}`, 3, 4, at, null],
      ];

      const sut = await readBack(COLUMNS, rows);

      expect(sut.sentAs).toBe('json');
      expect(sut.rows).toEqual([
        { name: 'plain', note: null, count: 1, total: '2', at, details: { a: 1 } },
        { name: `odd${separator}name`, note: separator, count: 3, total: '4', at, details: null },
      ]);
    },
  );

  it('keeps a row of one empty string (Postgres would split its empty line into nothing)', async () => {
    const sut = await readBack([{ name: 'name', type: 'text' }], [['a'], [''], [null]]);

    expect(sut.rows).toEqual([{ name: 'a' }, { name: '' }, { name: null }]);
  });
});
