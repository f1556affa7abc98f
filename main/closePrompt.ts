import type { MessageBoxOptions } from 'electron';

/** What the user chose when closing with unsaved changes. */
export type CloseChoice = 'save' | 'discard' | 'cancel';

const BUTTONS: readonly CloseChoice[] = ['save', 'discard', 'cancel'];

/** The native "save changes?" box. Escape and the window's close button mean Cancel. Pure. */
export function closePromptOptions(documentName: string | null): MessageBoxOptions {
  const name = documentName ?? 'Untitled';
  return {
    type: 'warning',
    buttons: ['Save', "Don't Save", 'Cancel'],
    defaultId: 0,
    cancelId: 2,
    noLink: true,
    message: `Do you want to save the changes you made to ${name}?`,
    detail: "Your changes will be lost if you don't save them.",
  };
}

/** The choice for the index `showMessageBox` returned. Pure. */
export function closeChoice(response: number): CloseChoice {
  return BUTTONS[response] ?? 'cancel';
}
