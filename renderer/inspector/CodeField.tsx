import { javascript } from '@codemirror/lang-javascript';
import { syntaxTree } from '@codemirror/language';
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

/**
 * The parse error of a piece of user code, placed where the parser stopped. The message is the
 * engine's own (the one validation reports); the position comes from CodeMirror's JavaScript
 * parser, because `new Function` does not say where it failed.
 */
function diagnose(view: EditorView, kind: 'expression' | 'code', vars: readonly string[]): Diagnostic[] {
  const source = view.state.doc.toString();
  if (source.trim() === '') return [];
  const message = expressionError(source, vars, kind);
  if (!message) return [];
  let from = -1;
  syntaxTree(view.state).iterate({
    enter(node) {
      if (from < 0 && node.type.isError) from = node.from;
    },
  });
  const length = view.state.doc.length;
  if (from < 0) return [{ from: 0, to: length, severity: 'error', message }];
  const to = Math.min(length, from + 1);
  return [{ from: Math.min(from, Math.max(0, length - 1)), to: Math.max(to, Math.min(from, length)), severity: 'error', message }];
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
    // eslint-disable-next-line react-hooks/exhaustive-deps
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
