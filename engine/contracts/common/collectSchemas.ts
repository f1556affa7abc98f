import type { EventSchema, SchemaProblem } from '../../contract/eventSchema.js';

/**
 * The schemas of one folder as a set: ordered by name, then version, and checked as a whole:
 * a version that appears twice (an error), an `upcast` on a contract's first version (ignored,
 * a warning), a gap in the versions (a warning: the upcast of the version after the gap is
 * applied to events of the one before it).
 */
export function collectSchemas(parsed: readonly EventSchema[]): { schemas: EventSchema[]; problems: SchemaProblem[] } {
  const problems: SchemaProblem[] = [];
  const byRef = new Map<string, EventSchema>();
  for (const s of parsed) {
    const twin = byRef.get(s.ref);
    if (twin) {
      problems.push({ severity: 'error', file: s.file, message: `${s.ref} is also defined by ${twin.file}; keep one` });
      continue;
    }
    byRef.set(s.ref, s);
  }
  const schemas = [...byRef.values()].sort((a, b) =>
    a.name === b.name ? a.version - b.version : a.name < b.name ? -1 : 1,
  );
  schemas.forEach((s, i) => {
    const previous = schemas[i - 1];
    const first = !previous || previous.name !== s.name;
    if (first && s.upcast !== undefined) {
      problems.push({
        severity: 'warning',
        file: s.file,
        message: `${s.ref} is the first version of ${s.name}, so its upcast has nothing to upcast from and is ignored`,
      });
    }
    if (!first && previous && s.version !== previous.version + 1) {
      problems.push({
        severity: 'warning',
        file: s.file,
        message: `${s.name} has no version${s.version - previous.version > 2 ? 's' : ''} between ${previous.version} and ${s.version}; ${s.ref} is checked and upcast from ${previous.ref}`,
      });
    }
  });
  return { schemas, problems };
}
