/**
 * The window title: document name, a dirty marker, and the app name, as desktop editors write
 * it ("• Fraud alerts.sluice.json — Sluice"). macOS shows dirtiness in the close button
 * instead (`setDocumentEdited`), so no marker there. Pure.
 */
export function windowTitle(documentName: string | null, dirty: boolean, platform: NodeJS.Platform): string {
  const name = documentName && documentName.trim() !== '' ? documentName : 'Untitled';
  const marker = dirty && platform !== 'darwin' ? '• ' : '';
  return `${marker}${name} — Sluice`;
}
