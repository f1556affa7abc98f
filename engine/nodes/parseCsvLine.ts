/**
 * Split one CSV line into fields (RFC 4180 quoting: `"a,b"` is one field, `""` inside quotes is
 * a quote). Unquoted fields that look like numbers become numbers; quoted fields stay strings,
 * so `"007"` keeps its zeros. A quoted field cannot span lines: the source reads line by line.
 */
export function parseCsvLine(line: string): Array<string | number> {
  const fields: Array<string | number> = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34 /* " */) {
      let text = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          text += line.slice(i);
          i = n;
          break;
        }
        text += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          text += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the comma is kept, as spreadsheets do.
      const comma = line.indexOf(',', i);
      const rest = comma < 0 ? line.slice(i) : line.slice(i, comma);
      fields.push(text + rest.trim());
      if (comma < 0) break;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      const raw = comma < 0 ? line.slice(i) : line.slice(i, comma);
      fields.push(csvScalar(raw));
      if (comma < 0) break;
      i = comma + 1;
    }
  }
  return fields;
}

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function csvScalar(raw: string): string | number {
  return NUMBER.test(raw) ? Number(raw) : raw;
}
