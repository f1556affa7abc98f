import type { NodeDescriptor } from '../contract/descriptor.js';
import type { GraphFile, GraphNode, PinnedEvent } from '../contract/graphFile.js';
import type { Problem } from '../contract/problem.js';
import { describeJsonType } from './describeJsonType.js';
import { isRecord } from './isRecord.js';
import { nodeName } from './nodeName.js';
import { shortText } from './shortText.js';

/** Events in one pinned sample: a sample to design with, not a data set. */
export const MAX_PINNED = 1000;

/** A note's text past this is not a note. */
export const MAX_NOTE_TEXT = 10_000;

/**
 * What organises a graph without running: nodes switched off (`disabled`), sticky notes
 * (`notes`) and titled groups (`groups`). None of it can stop a run: a malformed note or group
 * is a warning (the editor leaves it out), a disabled node is a warning saying what downstream
 * sees. Linear in nodes + notes + group members.
 */
export function validateAnnotations(graph: GraphFile, registry?: ReadonlyMap<string, NodeDescriptor>): Problem[] {
  const problems: Problem[] = [];
  const ids = new Set<string>();
  for (const node of graph.nodes) {
    if (!isRecord(node) || typeof node.id !== 'string') continue;
    ids.add(node.id);
    if (node.pinned !== undefined) problems.push(...pinnedProblems(node, registry));
    if (node.disabled === undefined || node.disabled === false) continue;
    const name = nodeName(node.id, node.label);
    if (node.disabled !== true) {
      problems.push({
        severity: 'warning',
        nodeId: node.id,
        field: 'disabled',
        message: `${name}: "disabled" must be true or false, not ${describeJsonType(node.disabled)}; the node runs.`,
      });
      continue;
    }
    problems.push({
      severity: 'warning',
      nodeId: node.id,
      field: 'disabled',
      message: `${name} is disabled: it passes nothing on, and its outputs end when its inputs do.`,
    });
  }

  if (graph.notes !== undefined) {
    if (!Array.isArray(graph.notes)) {
      problems.push(warning('notes', `The graph’s "notes" must be a list, not ${describeJsonType(graph.notes)}.`));
    } else {
      const seen = new Set<string>();
      graph.notes.forEach((note: unknown, i) => {
        const why = noteProblem(note, seen);
        if (why) problems.push(warning(`notes[${i}]`, `Note #${i + 1} ${why}; the editor leaves it out.`));
      });
    }
  }

  if (graph.groups !== undefined) {
    if (!Array.isArray(graph.groups)) {
      problems.push(warning('groups', `The graph’s "groups" must be a list, not ${describeJsonType(graph.groups)}.`));
    } else {
      const seen = new Set<string>();
      graph.groups.forEach((group: unknown, i) => {
        const where = `groups[${i}]`;
        if (!isRecord(group) || typeof group.id !== 'string' || group.id === '' || seen.has(group.id)) {
          problems.push(warning(where, `Group #${i + 1} needs a unique text id; the editor leaves it out.`));
          return;
        }
        seen.add(group.id);
        if (typeof group.title !== 'string') {
          problems.push(warning(where, `Group "${shortText(group.id)}" needs a title (text).`));
        }
        if (!Array.isArray(group.nodes) || !group.nodes.every((n) => typeof n === 'string')) {
          problems.push(warning(where, `Group "${shortText(group.id)}" needs "nodes", a list of node ids.`));
          return;
        }
        const missing = (group.nodes as string[]).filter((n) => !ids.has(n));
        if (missing.length > 0) {
          problems.push(
            warning(
              where,
              `Group "${shortText(group.id)}" names ${missing.length === 1 ? 'a node' : 'nodes'} the graph does not have: ${missing
                .slice(0, 5)
                .map((m) => `"${shortText(m)}"`)
                .join(', ')}.`,
            ),
          );
        }
      });
    }
  }
  return problems;
}

function noteProblem(note: unknown, seen: Set<string>): string | null {
  if (!isRecord(note)) return `is ${describeJsonType(note)}, not an object`;
  if (typeof note.id !== 'string' || note.id === '') return 'needs a text id';
  if (seen.has(note.id)) return `has the id "${shortText(note.id)}" of another note`;
  seen.add(note.id);
  if (typeof note.text !== 'string') return 'needs "text"';
  if (note.text.length > MAX_NOTE_TEXT) return `has more than ${MAX_NOTE_TEXT.toLocaleString('en-US')} characters`;
  const p = note.position;
  if (!isRecord(p) || !Number.isFinite(p.x) || !Number.isFinite(p.y)) return 'needs a position { x, y }';
  for (const k of ['width', 'height'] as const) {
    const v = note[k];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v)))
      return `has a ${k} that is not a positive number`;
  }
  return null;
}

function warning(field: string, message: string): Problem {
  return { severity: 'warning', field, message };
}

/** Problems of a node's pinned sample; a well-formed one on a source is a note of what runs. */
function pinnedProblems(node: GraphNode, registry: ReadonlyMap<string, NodeDescriptor> | undefined): Problem[] {
  const name = nodeName(node.id, node.label);
  const at = (message: string): Problem => ({ severity: 'warning', nodeId: node.id, field: 'pinned', message });
  const list: unknown = node.pinned;
  if (!Array.isArray(list))
    return [at(`${name}: "pinned" must be a list of events, not ${describeJsonType(list)}; it is ignored.`)];
  const descriptor = registry?.get(node.type);
  if (descriptor && descriptor.category !== 'source') {
    return [at(`${name} is not a source, so its pinned sample is ignored.`)];
  }
  if (list.length > MAX_PINNED) {
    return [
      at(
        `${name}: a pinned sample holds at most ${MAX_PINNED.toLocaleString('en-US')} events, not ${list.length.toLocaleString('en-US')}.`,
      ),
    ];
  }
  const bad = list.findIndex((e: unknown) => !isPinnedEvent(e));
  if (bad >= 0) {
    return [
      at(`${name}: pinned event #${bad + 1} must be { "value": …, "key"?: text, "time"?: ms }; the sample is ignored.`),
    ];
  }
  return [
    at(
      `${name} has a pinned sample of ${list.length} event${list.length === 1 ? '' : 's'}: the editor’s runs emit it instead, with state in memory.`,
    ),
  ];
}

function isPinnedEvent(e: unknown): boolean {
  return (
    isRecord(e) &&
    'value' in e &&
    (e.key === undefined || e.key === null || typeof e.key === 'string') &&
    (e.time === undefined || (typeof e.time === 'number' && Number.isFinite(e.time)))
  );
}

/** Whether a node's `pinned` is a sample a run can use (a list, not too long, every event well-formed). */
export function isPinnedSample(list: unknown): list is PinnedEvent[] {
  return Array.isArray(list) && list.length <= MAX_PINNED && list.every(isPinnedEvent);
}
