import { javascript, javascriptLanguage } from '@codemirror/lang-javascript';
import { linter, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, placeholder as cmPlaceholder } from '@codemirror/view';
import { minimalSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { expressionError } from '../../engine/graph/expression.js';

export interface CodeFieldProps {
  value: string;
  onChange(value: string): void;
  kind: 'expression' | 'code';
  vars: readonly string[];
  placeholder?: string;
  testId?: string;
}

/** How a field's text is wrapped so the JavaScript parser reads it as the engine compiles it. */
const WRAP = {
  expression: { before: '(', after: '\n)' },
  code: { before: 'function f() {\n', after: '\n}' },
} as const;

/**
 * Where a piece of user code stops parsing, or null. CodeMirror's JavaScript parser gives the
 * position, because `new Function` does not say where it failed (and the app's CSP forbids it).
 */
function syntaxErrorAt(source: string, kind: 'expression' | 'code'): number | null {
  const { before, after } = WRAP[kind];
  const tree = javascriptLanguage.parser.parse(before + source + after);
  let at: number | null = null;
  tree.iterate({
    enter(node) {
      if (at === null && node.type.isError) at = node.from;
      return at === null;
    },
  });
  if (at === null) return null;
  return Math.max(0, Math.min(source.length, (at as number) - before.length));
}

/**
 * The parse error of the field, marked in place, with the engine's own message (what
 * validation reports).
 */
function diagnose(view: EditorView, kind: 'expression' | 'code', vars: readonly string[]): Diagnostic[] {
  const source = view.state.doc.toString();
  if (source.trim() === '') return [];
  const at = syntaxErrorAt(source, kind);
  const engineMessage = expressionError(source, vars, kind);
  if (at === null && engineMessage === null) return [];
  const message = engineMessage ?? 'Syntax error: the code does not parse here.';
  const length = view.state.doc.length;
  if (at === null) return [{ from: 0, to: length, severity: 'error', message }];
  const from = Math.min(at, Math.max(0, length - 1));
  return [{ from, to: Math.min(length, from + 1), severity: 'error', message }];
}

/** A CodeMirror 6 editor for an expression or a function body, with the parse error marked in place. */
export function CodeField({ value, onChange, kind, vars, placeholder, testId }: CodeFieldProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const syncing = useRef(false);

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          minimalSetup,
          javascript(),
          kind === 'code' ? lineNumbers() : [],
          EditorView.lineWrapping,
          placeholder ? cmPlaceholder(placeholder) : [],
          linter((view) => diagnose(view, kind, vars), { delay: 150 }),
          // Mod-Enter and Mod-s belong to the app (run, save), not to the editor.
          keymap.of([{ key: 'Mod-Enter', run: () => false }]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !syncing.current) onChangeRef.current(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': 'code', ...(testId ? { 'data-testid': testId } : {}) }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor is created once per field; value changes are synced below.
  }, [kind, vars]);

  // Undo/redo and other outside changes replace the text; own typing is already there.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      syncing.current = true;
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
      syncing.current = false;
    }
  }, [value]);

  return <div className={`code-field ${kind}`} ref={host} />;
}
