import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

export const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

/** Open the editor with fresh storage and confirm dialogs accepted (the user says yes). */
export async function openEditor(page: Page): Promise<void> {
  page.on('dialog', (d) => void d.accept());
  await page.goto('/?token=e2e-token');
  await expect(page.getByTestId('engine-link')).toHaveText('engine');
}

/** Drag a node type from the palette onto the canvas at (x, y) relative to the canvas. */
export async function dropNode(page: Page, type: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

async function centre(page: Page, testId: string): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId(testId).boundingBox();
  if (!box) throw new Error(`${testId} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drag from one handle to another, the way a person wires ports (2 px first: React Flow's threshold). */
export async function dragHandle(page: Page, fromTestId: string, toTestId: string): Promise<void> {
  const a = await centre(page, fromTestId);
  const b = await centre(page, toTestId);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + 2, a.y + 2);
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

/** Connect `from.port` (output) to `to.port` (input). */
export function connect(page: Page, from: string, fromPort: string, to: string, toPort: string): Promise<void> {
  return dragHandle(page, `handle-${from}-out-${fromPort}`, `handle-${to}-in-${toPort}`);
}

/** Select a node by clicking its title. */
export async function selectNode(page: Page, id: string): Promise<void> {
  await page.getByTestId(`node-${id}`).locator('.sl-node-title').click();
  await expect(page.getByTestId('node-id')).toHaveValue(id);
}

/** Replace the text of a CodeMirror field in the inspector. */
export async function typeCode(page: Page, field: string, text: string): Promise<void> {
  const editor = page.getByTestId(`field-${field}-input`);
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  if (text) await page.keyboard.type(text);
}

/** Click the empty canvas so shortcuts go to the editor, not to a field. */
export async function focusCanvas(page: Page): Promise<void> {
  const box = (await page.getByTestId('canvas').boundingBox())!;
  // Top middle: away from the nodes, the controls (bottom left) and the minimap (bottom right).
  await page.mouse.click(box.x + box.width / 2, box.y + 12);
}
