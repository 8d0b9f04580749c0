/** A column of rows sent in one parameter: the name it gets and the Postgres type it is read as. */
export interface IncomingColumn {
  name: string;
  type: string;
}

/** A value of such a row: Dates go as ISO text, objects (jsonb) as their JSON. */
export type IncomingValue = string | number | boolean | Date | object | null;

/** A set-returning call whose rows go alongside the incoming rows (the n-th with the n-th), and its column's name. */
export interface AlongsideRows {
  call: string;
  name: string;
}

/**
 * Rows for a statement as ONE parameter, and the SQL that reads them back: `from` is a FROM item named
 * `incoming` whose rows are the rows, in order (`incoming.ordinality` counts from 1), and `columns[i]` is
 * the i-th column's value in it. Each `alongside` call's rows are zipped with them, as `incoming.<name>`.
 */
export interface IncomingRows {
  /** The rows' UTF-8 bytes (sent in binary format, which for text is those bytes), or JSON text. */
  parameter: Buffer | string;
  from: string;
  columns: string[];
}

/** Between rows; JSON text holds it only escaped, so JSON texts can go separated by it too (`joinRows`). */
const ROW_BYTE = 0x1e;
const FIELD_BYTE = 0x1f;
/** A field of just this is NULL (string_to_array's null string); an empty field is the empty string. */
const NULL_BYTE = 0x1d;
const ROW_SEPARATOR = Buffer.from([ROW_BYTE]);
/** What a value cannot hold to be sent as a field. */
// eslint-disable-next-line no-control-regex -- the separators are control characters on purpose
const SEPARATORS = /[\x1d-\x1f]/;

/**
 * The rows as one text that Postgres splits: rows separated by U+001E, fields by U+001F, NULL written as
 * U+001D. Splitting them (string_to_table, then string_to_array once per row) costs Postgres half of what
 * json_to_recordset costs for the same rows, which looks every field up by name in a hash table it builds
 * per row (2,500 event rows: 5.9-6.0 ms against 10.9-13.0 ms, in a statement that inserts them).
 *
 * Only a value that holds one of the three characters cannot be sent so (contracts do not forbid control
 * characters in every string): then the rows go as JSON with json_to_recordset.
 *
 * `parameter` is the statement's placeholder for them (e.g. `$2`).
 */
export function incomingRows(
  parameter: string,
  columns: readonly IncomingColumn[],
  rows: readonly (readonly IncomingValue[])[],
  alongside: readonly AlongsideRows[] = [],
): IncomingRows {
  const calls = alongside.map(({ call }) => `, ${call}`).join('');
  const names = alongside.map(({ name }) => `, ${name}`).join('');
  const bytes = asSeparatedBytes(rows);
  if (bytes !== undefined) {
    return {
      parameter: bytes,
      // Split once per row in a subquery that OFFSET 0 keeps apart: flattened into the statement, each
      // column's field[i] would split its line again (and a lateral string_to_array in FROM costs a
      // function scan per row): 15.6 and 12.9 ms for the rows above.
      from:
        `(SELECT string_to_array(line, ${sqlChar(FIELD_BYTE)}, ${sqlChar(NULL_BYTE)}) AS field${names}, ordinality ` +
        `FROM ROWS FROM (${splitRowsSql(parameter)}${calls}) ` +
        `WITH ORDINALITY AS lines(line${names}, ordinality) OFFSET 0) AS incoming`,
      columns: columns.map(({ type }, i) => `incoming.field[${i + 1}]::${type}`),
    };
  }
  const definitions = columns.map(({ name, type }) => `"${name}" ${type}`).join(', ');
  return {
    parameter: JSON.stringify(
      rows.map((row) => Object.fromEntries(row.map((value, i) => [columns[i]!.name, jsonValue(value)]))),
    ),
    from:
      `ROWS FROM (json_to_recordset(${parameter}::json) AS (${definitions})${calls}) ` +
      `WITH ORDINALITY AS incoming(${columns.map(({ name }) => `"${name}"`).join(', ')}${names}, ordinality)`,
    columns: columns.map(({ name }) => `incoming."${name}"`),
  };
}

/** Texts (each free of U+001E, as JSON text is) as one parameter, for `splitRowsSql` to take apart again. */
export function joinRows(texts: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const text of texts) {
    if (parts.length > 0) parts.push(ROW_SEPARATOR);
    parts.push(text);
  }
  return Buffer.concat(parts);
}

/** SQL: the rows of a text joined as `joinRows` joins them (`parameter` its placeholder), e.g. to go alongside. */
export function splitRowsSql(parameter: string): string {
  return `string_to_table(${parameter}::text, ${sqlChar(ROW_BYTE)})`;
}

/** A separator as a Postgres string literal. */
function sqlChar(byte: number): string {
  return `E'\\x${byte.toString(16)}'`;
}

/**
 * Undefined when a value holds a separator. Written into bytes with plain loops: it runs for every event
 * ingested. A string built by concatenation is a rope, which the driver flattened to count its UTF-8
 * bytes: 1.0 µs per event row, three times what building it took (a joined array costs the same).
 */
function asSeparatedBytes(rows: readonly (readonly IncomingValue[])[]): Buffer | undefined {
  const out = new ByteWriter(rows.length * 256);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    // Postgres splits an empty line into no fields at all: a row of one empty string goes as JSON.
    if (row.length === 1 && row[0] === '') return undefined;
    if (r > 0) out.byte(ROW_BYTE);
    for (let i = 0; i < row.length; i++) {
      if (i > 0) out.byte(FIELD_BYTE);
      const value = row[i];
      if (value === null || value === undefined) {
        out.byte(NULL_BYTE);
      } else if (typeof value === 'string') {
        if (!out.text(value)) return undefined;
      } else if (value instanceof Date) {
        out.text(value.toISOString());
      } else if (typeof value === 'object') {
        // JSON text holds control characters only escaped.
        out.text(JSON.stringify(value));
      } else {
        out.text(String(value));
      }
    }
  }
  return out.bytes();
}

/** A growing buffer of UTF-8 that refuses text holding a separator. */
class ByteWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  byte(value: number): void {
    this.room(1);
    this.buffer[this.length++] = value;
  }

  /** False (and nothing written) when `text` holds a separator. */
  text(text: string): boolean {
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair's 4 bytes are 2 per unit).
    this.room(text.length * 3);
    const { buffer } = this;
    let at = this.length;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        // Past ASCII, the rest goes through Buffer's UTF-8 encoder (ids and names seldom get here).
        const rest = text.slice(i);
        if (SEPARATORS.test(rest)) return false;
        this.length = at + buffer.write(rest, at, 'utf8');
        return true;
      }
      if (code >= NULL_BYTE && code <= FIELD_BYTE) return false;
      buffer[at++] = code;
    }
    this.length = at;
    return true;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

function jsonValue(value: IncomingValue | undefined): unknown {
  // As the ISO text JSON.stringify would write, but a Date's toJSON takes it off its fast path.
  return value instanceof Date ? value.toISOString() : (value ?? null);
}
